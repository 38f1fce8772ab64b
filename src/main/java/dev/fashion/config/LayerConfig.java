package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * One layer of the model, as written in a config: {@code {type: linear, name: fc1, out: 256}}.
 * Checked while parsing, so an error carries the file position.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "name", "in", "out", "bias", "p"})
public record LayerConfig(String type, String name, Integer in, Integer out, Boolean bias, Float p) {

    /** Layer types the model graph knows, in the order the docs list them. */
    public static final List<String> TYPES = List.of("flatten", "linear", "relu", "dropout", "softmax", "log_softmax");

    @JsonCreator
    public LayerConfig(@JsonProperty("type") String type, @JsonProperty("name") String name,
                       @JsonProperty("in") Integer in, @JsonProperty("out") Integer out,
                       @JsonProperty("bias") Boolean bias, @JsonProperty("p") Float p) {
        if (type == null) throw new IllegalArgumentException("layer needs a 'type' (one of " + String.join(", ", TYPES) + ")");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown layer type '" + type + "' (expected one of " + String.join(", ", TYPES) + ")");
        }
        boolean linear = type.equals("linear");
        if (linear && out == null) throw new IllegalArgumentException("linear layer needs 'out', its number of outputs");
        if (!linear && (in != null || out != null || bias != null)) {
            throw new IllegalArgumentException(type + " layer takes no 'in', 'out' or 'bias'");
        }
        if (out != null && out < 1) throw new IllegalArgumentException("'out' must be positive, got " + out);
        if (in != null && in < 1) throw new IllegalArgumentException("'in' must be positive, got " + in);
        if (type.equals("dropout")) {
            if (p == null) throw new IllegalArgumentException("dropout layer needs 'p', the drop probability");
            if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout 'p' must be in [0, 1), got " + p);
        } else if (p != null) {
            throw new IllegalArgumentException(type + " layer takes no 'p'");
        }
        if (name != null && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("layer name '" + name + "' must be letters, digits and _ (it prefixes tensor names)");
        }
        this.type = type;
        this.name = name;
        this.in = in;
        this.out = out;
        this.bias = bias;
        this.p = p;
    }
}
