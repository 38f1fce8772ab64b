package dev.fashion.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.RunConfig;
import dev.fashion.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a training run leaves its results: {@code config.yaml} (the resolved config), {@code
 * metrics.jsonl} (one object per epoch, appended as epochs finish), {@code summary.json} and {@code
 * model.safetensors}; while training, {@code checkpoint.safetensors} (see {@link Checkpoint}).
 */
public final class RunDirectory {
    public static final String CONFIG = "config.yaml";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String WEIGHTS = "model.safetensors";
    /** With training.keep: best, the last epoch's weights (model.safetensors holds the best epoch's). */
    public static final String LAST_WEIGHTS = "last.safetensors";
    public static final String CHECKPOINT = Checkpoint.FILE;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code out}, or {@code runs/<timestamp>} when null (with a suffix if that exists). */
    public static RunDirectory create(Path out) {
        Path dir = out;
        if (dir == null) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            dir = Path.of("runs", stamp);
            for (int i = 2; Files.exists(dir); i++) dir = Path.of("runs", stamp + "-" + i);
        }
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new FashionException(dir + ": exists and is not a directory");
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(METRICS));
            Files.deleteIfExists(dir.resolve(CHECKPOINT)); // a new run must not be resumable as the old one
        } catch (IOException e) {
            throw new FashionException(dir + ": cannot create the run directory: " + e.getMessage(), e);
        }
        return new RunDirectory(dir);
    }

    /** The checkpoint of an existing run directory, which must be there. */
    public static Path checkpointIn(Path dir) {
        if (!Files.isDirectory(dir)) throw new FashionException(dir + ": no such run directory");
        Path file = dir.resolve(CHECKPOINT);
        if (!Files.isRegularFile(file)) throw new FashionException(dir + ": no " + CHECKPOINT + " to resume from");
        return file;
    }

    /**
     * Reopens a run directory to continue it: metrics.jsonl is rewritten with the checkpoint's epochs (a
     * crash may have appended an epoch the checkpoint does not hold), and temporary files of writes that
     * a crash cut short are removed.
     */
    public static RunDirectory resume(Path dir, List<EpochMetrics> history) {
        StringBuilder metrics = new StringBuilder();
        try {
            for (EpochMetrics m : history) metrics.append(JSON.writeValueAsString(m)).append('\n');
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(".tmp")) Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new FashionException(dir + ": cannot reopen the run directory: " + e.getMessage(), e);
        }
        AtomicFiles.writeString(dir.resolve(METRICS), metrics.toString());
        return new RunDirectory(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path checkpoint() {
        return dir.resolve(CHECKPOINT);
    }

    public Path lastWeights() {
        return dir.resolve(LAST_WEIGHTS);
    }

    public Path weights() {
        return dir.resolve(WEIGHTS);
    }

    public void writeConfig(RunConfig config) {
        AtomicFiles.writeString(dir.resolve(CONFIG), ConfigLoader.toYaml(config));
    }

    public void appendMetrics(EpochMetrics m) {
        try {
            Files.writeString(dir.resolve(METRICS), JSON.writeValueAsString(m) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new FashionException(dir.resolve(METRICS) + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The epochs recorded in {@code dir}'s metrics.jsonl; a bad line is an error naming it. */
    public static List<EpochMetrics> readMetrics(Path dir) {
        Path file = dir.resolve(METRICS);
        if (!Files.isRegularFile(file)) throw new FashionException(dir + ": not a run directory (no " + METRICS + ")");
        List<EpochMetrics> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                try {
                    out.add(JSON.readValue(lines.get(i), EpochMetrics.class));
                } catch (JsonProcessingException e) {
                    throw new FashionException(file + ":" + (i + 1) + ": not an epoch record: " + e.getOriginalMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new FashionException(file + ": no epochs recorded");
        return out;
    }

    /** {@code dir}'s summary.json, or null when the run has none (it was interrupted). */
    public static JsonNode readSummary(Path dir) {
        Path file = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(file)) return null;
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public void writeSummary(Map<String, Object> summary) {
        try {
            AtomicFiles.writeString(dir.resolve(SUMMARY), PRETTY.writeValueAsString(summary) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
