package dev.fashion.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.RunConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --set key=v1,v2,...} of a sweep: a config field by its dotted path ({@code optimizer.lr},
 * {@code model.layers[3].out}) and the values to try, each a YAML scalar or flow list ({@code [0.9, 0.99]}).
 * Two keys are not config fields but how a run executes: {@code threads} and {@code kernels}.
 * A value is applied by rewriting the config's JSON tree and parsing it again with the strict loader,
 * so every check a config file gets (types, ranges, unknown fields, layer shapes) applies to it too.
 */
public record Setting(String key, List<JsonNode> values) {
    public static final String THREADS = "threads";
    public static final String KERNELS = "kernels";

    private static final Pattern SEGMENT = Pattern.compile("([a-z_][a-z0-9_]*)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Parses {@code key=v1,v2}; commas inside brackets belong to a list value. */
    public static Setting parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new FashionException("--set " + spec + ": expected KEY=VALUE[,VALUE...], e.g. optimizer.lr=0.001,0.003");
        String key = spec.substring(0, eq).trim();
        List<JsonNode> values = new ArrayList<>();
        for (String v : splitTopLevel(spec.substring(eq + 1))) {
            if (v.isBlank()) throw new FashionException("--set " + key + ": empty value in '" + spec.substring(eq + 1) + "'");
            values.add(scalar(key, v.trim()));
        }
        if (!key.equals(THREADS) && !key.equals(KERNELS)) {
            for (String part : key.split("\\.", -1)) {
                if (!SEGMENT.matcher(part).matches()) {
                    throw new FashionException("--set " + key + ": expected a config key like optimizer.lr or model.layers[1].out");
                }
            }
        }
        return new Setting(key, List.copyOf(values));
    }

    /** The short name used in run directory names: the key's last field ("lr" for optimizer.lr). */
    public String label() {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return last.replaceAll("\\[(\\d+)]", "$1");
    }

    public boolean isRuntime() {
        return key.equals(THREADS) || key.equals(KERNELS);
    }

    /**
     * Checks a runtime value (threads, kernels); config values are checked by {@link #apply}.
     */
    public void checkRuntimeValue(JsonNode value) {
        if (key.equals(THREADS) && (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1)) {
            throw new FashionException("--set threads: expected a positive whole number, got " + text(value));
        }
        if (key.equals(KERNELS) && !List.of("auto", "vector", "scalar").contains(value.asText())) {
            throw new FashionException("--set kernels: expected auto, vector or scalar, got " + text(value));
        }
    }

    /** A copy of {@code base} with this key set to {@code value}; invalid keys or values name the key. */
    public RunConfig apply(RunConfig base, JsonNode value) {
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(ConfigLoader.toJson(base));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String[] parts = key.split("\\.");
        JsonNode node = root;
        String at = "";
        for (int i = 0; i < parts.length; i++) {
            Matcher m = SEGMENT.matcher(parts[i]);
            if (!m.matches()) throw new IllegalStateException(parts[i]);
            String field = m.group(1);
            List<Integer> indices = new ArrayList<>();
            Matcher im = INDEX.matcher(m.group(2));
            while (im.find()) indices.add(Integer.parseInt(im.group(1)));
            boolean last = i == parts.length - 1;
            if (!(node instanceof ObjectNode obj)) {
                throw new FashionException("--set " + key + ": " + at + " is not a section with fields");
            }
            if (last && indices.isEmpty()) {
                // An unknown last field is left to the strict parser, whose message lists the known ones.
                obj.set(field, value);
                break;
            }
            JsonNode child = obj.get(field);
            if (child == null) {
                throw new FashionException("--set " + key + ": no section '" + field + "'" + (at.isEmpty() ? "" : " in " + at)
                        + " (expected one of: " + fieldNames(obj) + ")");
            }
            at = at.isEmpty() ? field : at + "." + field;
            for (int k = 0; k < indices.size(); k++) {
                int index = indices.get(k);
                if (!(child instanceof ArrayNode arr) || index >= arr.size()) {
                    throw new FashionException("--set " + key + ": " + at + " has no element [" + index + "]"
                            + (child instanceof ArrayNode arr2 ? " (it has " + arr2.size() + ")" : ""));
                }
                if (last && k == indices.size() - 1) {
                    arr.set(index, value);
                    child = null;
                    break;
                }
                child = arr.get(index);
                at += "[" + index + "]";
            }
            if (child == null) break;
            node = child;
        }
        String source = "--set " + key + "=" + text(value);
        try {
            return ConfigLoader.parse(root.toString().getBytes(StandardCharsets.UTF_8), source, true);
        } catch (FashionException e) {
            // The parser points at a line and column of the generated JSON: meaningless to the user.
            String msg = e.getMessage();
            if (msg.startsWith(source)) msg = source + msg.substring(source.length()).replaceFirst("^:\\d+:\\d+", "");
            throw new FashionException(msg, e);
        }
    }

    public static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    private static String fieldNames(ObjectNode obj) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) names.add(it.next());
        return String.join(", ", names);
    }

    private static JsonNode scalar(String key, String text) {
        try {
            JsonNode n = YAML.readTree(text);
            if (n == null || n.isMissingNode()) return TextNode.valueOf(text);
            // YAML 1.1 reads 1e-3 as a string (it wants 1.0e-3); a sweep over learning rates means the number.
            if (n.isTextual() && text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                return DoubleNode.valueOf(Double.parseDouble(text));
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new FashionException("--set " + key + ": cannot read the value '" + text + "' (a number, word, true/false or [list])");
        }
    }

    /** Splits on commas outside brackets: "[0.9,0.99],[0.8,0.9]" is two values. */
    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '{') depth++;
            else if (c == ']' || c == '}') depth--;
            else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
