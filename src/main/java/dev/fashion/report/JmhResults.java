package dev.fashion.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fashion.FashionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JMH's JSON result files; anything else is a one-line error naming the file and what was wrong. */
public final class JmhResults {
    /** -prof gc's bytes per op; JMH before 1.36 wrote the name with a leading "·". */
    private static final List<String> GC_NORM = List.of("gc.alloc.rate.norm", "·gc.alloc.rate.norm");

    private JmhResults() {
    }

    public static List<JmhResult> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FashionException(file + ": no such file (expected JMH results written with -rf json -rff FILE)");
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    static List<JmhResult> parse(byte[] bytes, String source) {
        if (bytes.length == 0) throw new FashionException(source + ": is empty (did the JMH run finish?)");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new FashionException(source + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FashionException(source + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new FashionException(source + ": expected a JSON array of JMH results (run the benchmarks with -rf json)");
        }
        List<JmhResult> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            out.add(result(root.get(i), source + ": result " + (i + 1)));
        }
        if (out.isEmpty()) throw new FashionException(source + ": holds no benchmark results");
        return out;
    }

    private static JmhResult result(JsonNode n, String where) {
        String benchmark = text(n, "benchmark", where);
        JsonNode primary = n.get("primaryMetric");
        if (primary == null || !primary.isObject()) throw new FashionException(where + ": no \"primaryMetric\" object");
        double score = number(primary, "score", where + " primaryMetric");
        // JMH writes "NaN" (a string) for the error of a single iteration.
        double error = primary.has("scoreError") ? primary.get("scoreError").asDouble(Double.NaN) : Double.NaN;
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = n.get("params");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        double alloc = Double.NaN;
        for (String name : GC_NORM) {
            JsonNode gc = n.path("secondaryMetrics").path(name);
            if (gc.has("score")) alloc = gc.get("score").asDouble(Double.NaN);
        }
        String jvm = (n.path("vmName").asText("") + " " + n.path("jdkVersion").asText("")).trim();
        return new JmhResult(benchmark, params, n.path("mode").asText("thrpt"), score, error,
                primary.path("scoreUnit").asText("ops/s"), alloc, jvm);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || !v.isTextual()) throw new FashionException(where + ": no \"" + field + "\" text field");
        return v.asText();
    }

    private static double number(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) throw new FashionException(where + ": no \"" + field + "\" number");
        return v.asDouble();
    }
}
