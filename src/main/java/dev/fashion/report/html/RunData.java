package dev.fashion.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fashion.FashionException;
import dev.fashion.report.JmhResult;
import dev.fashion.report.JmhResults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the report knows about one run directory: summary.json (null if the run did not finish),
 * metrics.jsonl's epochs, config.yaml as flat "key = value" pairs (to find the settings runs differ in),
 * bench.json and JMH result files (jmh*.json) when there. Read as plain JSON trees, so fields that newer
 * versions add (validation_accuracy, wall_seconds, ...) show up without a change here.
 */
public record RunData(String name, Path dir, JsonNode summary, List<JsonNode> metrics, Map<String, String> config,
                      JsonNode bench, List<JmhResult> jmh, List<String> jmhFiles) {
    static final String SWEEP_FILE = "sweep.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    public boolean finished() {
        return summary != null;
    }

    /** "diverged" when a sweep recorded that the run's loss went NaN or infinite, else "unfinished". */
    public String unfinishedStatus() {
        return Files.isRegularFile(dir.resolve("diverged.json")) ? "diverged" : "unfinished";
    }

    public boolean trained() {
        return !metrics.isEmpty() || summary != null;
    }

    public double number(String field) {
        JsonNode n = summary == null ? null : summary.get(field);
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }

    public String text(String field) {
        JsonNode n = summary == null ? null : summary.get(field);
        if (n == null && bench != null) n = bench.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** Runs from RUN_DIR and SWEEP_DIR arguments, in order: a sweep's runs in its sweep.jsonl order. */
    public static List<RunData> load(List<Path> args) {
        List<Path> dirs = new ArrayList<>();
        List<Path> sweeps = new ArrayList<>();
        for (Path a : args) {
            if (!Files.isDirectory(a)) throw new FashionException(a + ": no such directory");
            if (isRun(a)) {
                dirs.add(a);
                continue;
            }
            List<Path> runs = sweepRuns(a);
            if (runs.isEmpty()) {
                throw new FashionException(a + ": neither a run directory (metrics.jsonl, summary.json or bench.json) nor a "
                        + "sweep directory (run directories inside)");
            }
            dirs.addAll(runs);
            sweeps.add(a);
        }
        Set<String> seen = new HashSet<>();
        Set<String> clashes = new HashSet<>();
        for (Path d : dirs) if (!seen.add(d.getFileName().toString())) clashes.add(d.getFileName().toString());
        List<RunData> out = new ArrayList<>();
        Set<Path> unique = new HashSet<>();
        for (Path d : dirs) {
            if (!unique.add(d.toAbsolutePath().normalize())) continue;
            String name = d.getFileName().toString();
            if (clashes.contains(name) && d.toAbsolutePath().getParent() != null) {
                name = d.toAbsolutePath().getParent().getFileName() + "/" + name;
            }
            out.add(read(name, d));
        }
        return out;
    }

    static boolean isRun(Path d) {
        return Files.isRegularFile(d.resolve("metrics.jsonl")) || Files.isRegularFile(d.resolve("summary.json"))
                || Files.isRegularFile(d.resolve("bench.json"));
    }

    /** A sweep's run directories: sweep.jsonl's order first, then any others by name. */
    static List<Path> sweepRuns(Path sweep) {
        List<Path> runs = new ArrayList<>();
        Path jsonl = sweep.resolve(SWEEP_FILE);
        if (Files.isRegularFile(jsonl)) {
            try {
                for (String line : Files.readAllLines(jsonl)) {
                    if (line.isBlank()) continue;
                    String run = JSON.readTree(line).path("run").asText("");
                    Path d = sweep.resolve(run);
                    if (!run.isEmpty() && !run.contains("/") && !run.contains("\\") && !run.startsWith(".") && isRun(d)) runs.add(d);
                }
            } catch (IOException e) {
                throw new FashionException(jsonl + ": cannot read: " + e.getMessage(), e);
            }
        }
        try (Stream<Path> files = Files.list(sweep)) {
            for (Path d : files.filter(Files::isDirectory).sorted().toList()) if (isRun(d) && !runs.contains(d)) runs.add(d);
        } catch (IOException e) {
            throw new FashionException(sweep + ": cannot list: " + e.getMessage(), e);
        }
        return runs;
    }

    static RunData read(String name, Path dir) {
        JsonNode summary = json(dir.resolve("summary.json"));
        List<JsonNode> metrics = new ArrayList<>();
        Path m = dir.resolve("metrics.jsonl");
        if (Files.isRegularFile(m)) {
            try {
                List<String> lines = Files.readAllLines(m);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isBlank()) continue;
                    try {
                        metrics.add(JSON.readTree(lines.get(i)));
                    } catch (IOException e) {
                        // A run killed while appending leaves half a last line; resuming rewrites it.
                        if (i == lines.size() - 1 && summary == null) break;
                        throw new FashionException(m + ":" + (i + 1) + ": not a JSON line: " + e.getMessage(), e);
                    }
                }
            } catch (IOException e) {
                throw new FashionException(m + ": cannot read: " + e.getMessage(), e);
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        Path c = dir.resolve("config.yaml");
        if (Files.isRegularFile(c)) {
            try {
                flatten("", YAML.readTree(c.toFile()), config);
            } catch (IOException e) {
                throw new FashionException(c + ": cannot read: " + e.getMessage(), e);
            }
        }
        List<JmhResult> jmh = new ArrayList<>();
        List<String> jmhFiles = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("jmh") && n.endsWith(".json") && Files.isRegularFile(f)) {
                    jmh.addAll(JmhResults.read(f));
                    jmhFiles.add(n);
                }
            }
        } catch (IOException e) {
            throw new FashionException(dir + ": cannot list: " + e.getMessage(), e);
        }
        return new RunData(name, dir, summary, List.copyOf(metrics), config, json(dir.resolve("bench.json")), jmh, jmhFiles);
    }

    private static JsonNode json(Path f) {
        if (!Files.isRegularFile(f)) return null;
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new FashionException(f + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** "optimizer.lr" = "0.003", "model.layers[1].out" = "256"; a list of numbers stays one value. */
    static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n == null) return;
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray() && n.size() > 0 && n.get(0).isContainerNode()) {
            for (int i = 0; i < n.size(); i++) flatten(prefix + "[" + i + "]", n.get(i), out);
        } else {
            out.put(prefix, n.isTextual() ? n.asText() : n.toString());
        }
    }
}
