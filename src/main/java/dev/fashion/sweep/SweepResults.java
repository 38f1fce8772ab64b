package dev.fashion.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fashion.FashionException;
import dev.fashion.io.AtomicFiles;
import dev.fashion.train.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep directory's results: {@code sweep.jsonl}, one line per finished run in grid order ({@code run},
 * {@code settings}, {@code status}, and {@code summary} (train) or {@code bench} (bench sweeps)), and the
 * leaderboard printed from it. Everything is read back from the run directories, so a rerun that skips
 * finished runs writes the same lines.
 */
public final class SweepResults {
    public static final String FILE = "sweep.jsonl";
    /** Written into a run directory whose training diverged, so a rerun does not repeat it. */
    public static final String DIVERGED = "diverged.json";
    public static final String BENCH = "bench.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepResults() {
    }

    /** One finished run: its directory name, settings, status and the summary or bench numbers. */
    public record Entry(String run, Map<String, Object> settings, String status, JsonNode result) {
        public double number(String field) {
            JsonNode n = result == null ? null : result.get(field);
            return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
        }

        public boolean has(String field) {
            return !Double.isNaN(number(field));
        }
    }

    /** The finished entry of {@code point} in {@code dir}, or null if it has not finished. */
    public static Entry read(Path dir, SweepGrid.Point point, boolean bench) {
        Path run = dir.resolve(point.name());
        if (bench) {
            JsonNode b = readJson(run.resolve(BENCH));
            return b == null ? null : new Entry(point.name(), point.settingsForJson(), "done", b);
        }
        JsonNode diverged = readJson(run.resolve(DIVERGED));
        if (diverged != null) return new Entry(point.name(), point.settingsForJson(), "diverged", diverged);
        if (!Files.isRegularFile(run.resolve(RunDirectory.WEIGHTS))) return null;
        JsonNode summary = RunDirectory.readSummary(run);
        return summary == null ? null : new Entry(point.name(), point.settingsForJson(), "done", summary);
    }

    public static void writeDiverged(Path run, int exitCode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "diverged");
        m.put("exit_code", exitCode);
        write(run.resolve(DIVERGED), m);
    }

    /** Rewrites sweep.jsonl with the finished entries, in grid order. */
    public static void writeJsonl(Path dir, List<Entry> entries, boolean bench) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            ObjectNode line = JSON.createObjectNode();
            line.put("run", e.run());
            line.set("settings", JSON.valueToTree(e.settings()));
            line.put("status", e.status());
            line.set(bench ? "bench" : "summary", e.result());
            sb.append(line).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(FILE), sb.toString());
    }

    /** The entries of a sweep.jsonl; a bad line is an error naming the file and line. */
    public static List<Entry> readJsonl(Path file) {
        List<Entry> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                try {
                    JsonNode n = JSON.readTree(lines.get(i));
                    Map<String, Object> settings = new LinkedHashMap<>();
                    n.path("settings").properties().forEach(f -> settings.put(f.getKey(), f.getValue()));
                    JsonNode result = n.has("summary") ? n.get("summary") : n.get("bench");
                    out.add(new Entry(n.path("run").asText(), settings, n.path("status").asText("done"), result));
                } catch (JsonProcessingException e) {
                    throw new FashionException(file + ":" + (i + 1) + ": not a sweep line: " + e.getOriginalMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    /** The field runs are ranked by: validation accuracy once every finished run has it, else test accuracy. */
    public static String rankField(List<Entry> entries) {
        List<Entry> done = entries.stream().filter(e -> e.status().equals("done")).toList();
        boolean validation = !done.isEmpty() && done.stream().allMatch(e -> e.has("validation_accuracy"));
        return validation ? "validation_accuracy" : "test_accuracy";
    }

    /** Training time to the result: wall_seconds when the summary has it, else the training passes' seconds. */
    public static String timeField(List<Entry> entries) {
        boolean wall = !entries.isEmpty() && entries.stream().filter(e -> e.status().equals("done")).allMatch(e -> e.has("wall_seconds"));
        return wall ? "wall_seconds" : "train_seconds";
    }

    /** The console leaderboard of a training sweep, best first; diverged runs last. */
    public static String leaderboard(List<Entry> entries) {
        String rank = rankField(entries);
        String time = timeField(entries);
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing((Entry e) -> !e.status().equals("done"))
                .thenComparing(e -> -e.number(rank)));
        int nameWidth = Math.max(3, sorted.stream().mapToInt(e -> e.run().length()).max().orElse(3));
        boolean validation = rank.equals("validation_accuracy");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%4s  %-" + nameWidth + "s  %9s%s  %9s  %9s  %12s%n", "rank", "run",
                validation ? "val acc" : "test acc", validation ? String.format("  %9s", "test acc") : "", "test loss",
                time.equals("wall_seconds") ? "time (s)" : "train (s)", "images/s"));
        int i = 1;
        for (Entry e : sorted) {
            if (!e.status().equals("done")) {
                sb.append(String.format(Locale.ROOT, "%4s  %-" + nameWidth + "s  %s%n", "-", e.run(), e.status()));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%4d  %-" + nameWidth + "s  %8.2f%%%s  %9.4f  %9.1f  %,12.0f%n", i++, e.run(),
                    100 * e.number(rank),
                    validation ? String.format(Locale.ROOT, "  %8.2f%%", 100 * e.number("test_accuracy")) : "",
                    e.number("test_loss"), e.number(time), e.number("images_per_second")));
        }
        return sb.append(machine(entries)).toString();
    }

    /** The console table of a bench sweep, fastest first. */
    public static String benchTable(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing((Entry e) -> -e.number("images_per_second")));
        int nameWidth = Math.max(3, sorted.stream().mapToInt(e -> e.run().length()).max().orElse(3));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%4s  %-" + nameWidth + "s  %9s  %12s  %8s  %8s%n", "rank", "run", "ms/step",
                "images/s", "GFLOP/s", "of peak"));
        int i = 1;
        for (Entry e : sorted) {
            double share = e.number("peak_share");
            sb.append(String.format(Locale.ROOT, "%4d  %-" + nameWidth + "s  %9.3f  %,12.0f  %8.1f  %8s%n", i++, e.run(),
                    e.number("ms_per_step"), e.number("images_per_second"), e.number("gflops"),
                    Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * share)));
        }
        return sb.append(machine(entries)).toString();
    }

    /** "measured on AMD EPYC (2 cores), JDK 17...": the figures above mean nothing without it. */
    static String machine(List<Entry> entries) {
        java.util.Set<String> cpus = new java.util.LinkedHashSet<>();
        java.util.Set<String> jdks = new java.util.LinkedHashSet<>();
        for (Entry e : entries) {
            if (e.result() == null) continue;
            if (e.result().hasNonNull("cpu")) cpus.add(e.result().get("cpu").asText());
            if (e.result().hasNonNull("jdk")) jdks.add(e.result().get("jdk").asText());
        }
        if (cpus.isEmpty() && jdks.isEmpty()) return "";
        return "measured on " + (cpus.isEmpty() ? "an unrecorded CPU" : String.join(", ", cpus))
                + (jdks.isEmpty() ? "" : ", JDK " + String.join(", ", jdks)) + System.lineSeparator();
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
