package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Set;

/**
 * One layer of the model, as written in a config: {@code {type: linear, name: fc1, out: 256}} or
 * {@code {type: conv2d, name: conv1, out: 32, kernel: 3, padding: 1, bias: false}}. Checked while parsing,
 * so an error carries the file position. {@code kernel}, {@code stride} and {@code padding} take one
 * number for both sides or {@code [h, w]}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "name", "in", "out", "kernel", "stride", "padding", "bias", "p", "eps", "momentum"})
public record LayerConfig(String type, String name, Integer in, Integer out,
                          @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> kernel,
                          @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> stride,
                          @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> padding,
                          Boolean bias, Float p, Float eps, Float momentum) {

    /** Layer types the model graph knows, in the order the docs list them. */
    public static final List<String> TYPES = List.of("flatten", "linear", "conv2d", "max_pool", "avg_pool", "batch_norm",
            "relu", "dropout", "softmax", "log_softmax");

    /** A layer without the convolutional settings (the MLP layers). */
    public LayerConfig(String type, String name, Integer in, Integer out, Boolean bias, Float p) {
        this(type, name, in, out, null, null, null, bias, p, null, null);
    }

    @JsonCreator
    public LayerConfig(@JsonProperty("type") String type, @JsonProperty("name") String name,
                       @JsonProperty("in") Integer in, @JsonProperty("out") Integer out,
                       @JsonProperty("kernel") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> kernel,
                       @JsonProperty("stride") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> stride,
                       @JsonProperty("padding") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> padding,
                       @JsonProperty("bias") Boolean bias, @JsonProperty("p") Float p,
                       @JsonProperty("eps") Float eps, @JsonProperty("momentum") Float momentum) {
        if (type == null) throw new IllegalArgumentException("layer needs a 'type' (one of " + String.join(", ", TYPES) + ")");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown layer type '" + type + "' (expected one of " + String.join(", ", TYPES) + ")");
        }
        boolean linear = type.equals("linear"), conv = type.equals("conv2d"), bn = type.equals("batch_norm");
        boolean pool = type.equals("max_pool") || type.equals("avg_pool");
        if ((linear || conv) && out == null) {
            throw new IllegalArgumentException(type + " layer needs 'out', its number of " + (conv ? "output channels" : "outputs"));
        }
        if (!(linear || conv || bn) && in != null) throw new IllegalArgumentException(type + " layer takes no 'in'");
        if (!(linear || conv) && (out != null || bias != null)) {
            throw new IllegalArgumentException(type + " layer takes no 'out' or 'bias'");
        }
        if (out != null && out < 1) throw new IllegalArgumentException("'out' must be positive, got " + out);
        if (in != null && in < 1) throw new IllegalArgumentException("'in' must be positive, got " + in);
        if (conv && kernel == null) throw new IllegalArgumentException("conv2d layer needs 'kernel', a size or [h, w]");
        if (type.equals("max_pool") && kernel == null) throw new IllegalArgumentException("max_pool layer needs 'kernel', a size or [h, w]");
        if (!(conv || pool) && (kernel != null || stride != null)) {
            throw new IllegalArgumentException(type + " layer takes no 'kernel' or 'stride'");
        }
        if (!conv && padding != null) throw new IllegalArgumentException(type + " layer takes no 'padding' (only conv2d pads)");
        if (type.equals("avg_pool") && kernel == null && stride != null) {
            throw new IllegalArgumentException("avg_pool without 'kernel' is global and takes no 'stride'");
        }
        checkPair("kernel", kernel, 1);
        checkPair("stride", stride, 1);
        checkPair("padding", padding, 0);
        if (!bn && (eps != null || momentum != null)) throw new IllegalArgumentException(type + " layer takes no 'eps' or 'momentum'");
        if (eps != null && !(eps > 0f && eps < 1f)) throw new IllegalArgumentException("batch_norm 'eps' must be in (0, 1), got " + eps);
        if (momentum != null && !(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("batch_norm 'momentum' must be in [0, 1], got " + momentum);
        }
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
        this.kernel = kernel == null ? null : List.copyOf(kernel);
        this.stride = stride == null ? null : List.copyOf(stride);
        this.padding = padding == null ? null : List.copyOf(padding);
        this.bias = bias;
        this.p = p;
        this.eps = eps;
        this.momentum = momentum;
    }

    private static final Set<Integer> PAIR = Set.of(1, 2);

    private static void checkPair(String field, List<Integer> v, int min) {
        if (v == null) return;
        if (!PAIR.contains(v.size()) || v.contains(null)) {
            throw new IllegalArgumentException("'" + field + "' must be one number or [h, w], got " + v);
        }
        for (int x : v) {
            if (x < min) {
                throw new IllegalArgumentException("'" + field + "' must be " + (min == 0 ? "0 or more" : "positive") + ", got " + v);
            }
        }
    }

    /** Height of a one-number-or-[h, w] setting, or {@code otherwise} when absent. */
    static int height(List<Integer> v, int otherwise) {
        return v == null ? otherwise : v.get(0);
    }

    /** Width of a one-number-or-[h, w] setting, or {@code otherwise} when absent. */
    static int width(List<Integer> v, int otherwise) {
        return v == null ? otherwise : v.get(v.size() - 1);
    }
}
