package dev.fashion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {

    /** Exit code, stdout and stderr of one CLI run. */
    record Result(int code, String out, String err) {
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    static void assertUserError(Result r, String fragment) {
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(fragment), "stderr should mention '" + fragment + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for a user error: " + r.err());
    }

    @Test
    void userMistakesExitTwoWithOneLine() {
        assertUserError(run("train", "--epochs", "0"), "--epochs: epochs must be at least 1");
        assertUserError(run("train", "--bogus"), "Unknown option: '--bogus'");
        assertUserError(run("train", "--config", "no/such.yaml"), "no/such.yaml: config file not found");
        assertUserError(run("train", "--kernels", "fast"), "--kernels: expected auto, vector or scalar");
        assertUserError(run("train", "--threads", "0", "--epochs", "1"), "--threads");
        assertUserError(run("train", "--lr", "abc"), "--lr");
        assertUserError(run("eval", "--model", "no/such/run"), "no/such/run");
        assertUserError(run("train", "--data", "no/such/dir"), "no/such/dir");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : List.of("train", "eval", "info", "bench")) {
            Result r = run(cmd, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: fashion " + cmd), r.out());
        }
    }

    @Test
    void infoReportsKernelsAndData() {
        Result r = run("info");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("kernels:"), r.out());
        assertTrue(r.out().contains("VERIFIED") || r.out().contains("verified"), r.out());
    }

    @Test
    void trainWritesARunDirectoryThatEvalReproduces(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Result r = run("train", "--epochs", "1", "--train-limit", "3000", "--test-limit", "1000", "--out", dir.toString(), "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/1"), r.out());
        for (String f : List.of("config.yaml", "metrics.jsonl", "summary.json", "model.safetensors")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        for (String field : List.of("test_accuracy", "test_loss", "train_seconds", "images_per_second", "epochs",
                "kernels", "threads", "jdk", "seed")) {
            assertTrue(summary.has(field), "summary.json has " + field);
        }
        assertEquals(3, summary.get("seed").asLong());
        // Start-to-finish time: counts the process before the run, the warm-up and the training passes.
        double wall = summary.get("wall_seconds").asDouble();
        assertTrue(summary.get("wall_seconds").isNumber() && summary.get("jit_warmup_seconds").isNumber(), summary.toString());
        assertTrue(summary.get("jit_warmup_seconds").asDouble() >= 0, summary.toString());
        assertTrue(wall > summary.get("train_seconds").asDouble(), summary.toString());
        assertTrue(wall < 86_400, "seconds since this process started: " + summary);
        double previous = 0;
        for (String mark : List.of("setup", "data_loaded", "jit_warmup_done", "training_done", "weights_written", "curves_written")) {
            double at = summary.get("timeline").get(mark).asDouble();
            assertTrue(at >= previous && at <= wall, mark + " in order, before the end: " + summary.get("timeline"));
            previous = at;
        }
        assertTrue(summary.get("time_spent").get("test_passes").asDouble() > 0, summary.toString());
        assertTrue(summary.get("time_spent").get("checkpoints").asDouble() > 0, summary.toString());
        assertTrue(r.out().contains(String.format("%.1f s start to finish", wall)), r.out());
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(1, lines.size());
        JsonNode epoch = new ObjectMapper().readTree(lines.get(0));
        for (String field : List.of("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds", "images_per_second")) {
            assertTrue(epoch.has(field), "metrics.jsonl has " + field);
        }

        Result e = run("eval", "--model", dir.toString());
        assertEquals(0, e.code(), e.err());
        String expected = String.format("accuracy %.2f%%", 100 * summary.get("test_accuracy").asDouble());
        assertTrue(e.out().contains(expected), e.out() + " vs " + expected);
        Result f = run("eval", "--model", dir.resolve("model.safetensors").toString(), "--test-limit", "1000");
        assertTrue(f.out().contains(expected), "a bare weights file with the reference config: " + f.out());
    }

    /** A recipe run: validation per epoch, lr in metrics, model.safetensors = best epoch, last.safetensors = last; eval agrees. */
    @Test
    void aRecipeRunKeepsTheBestValidationEpoch(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("recipe.yaml");
        Files.writeString(cfg, String.join("\n",
                "model:",
                "  layers:",
                "    - type: flatten",
                "    - {type: linear, name: fc1, out: 64}",
                "    - type: relu",
                "    - {type: dropout, p: 0.2}",
                "    - {type: linear, name: fc2, out: 10}",
                "loss: {type: cross_entropy, label_smoothing: 0.1}",
                "optimizer: {type: adamw, lr: 0.004, weight_decay: 0.05, no_decay: [bias]}",
                "schedule: {type: one_cycle, pct_start: 0.25}",
                "training: {epochs: 3, batch_size: 64, keep: best}",
                "data:",
                "  train_limit: 3000",
                "  test_limit: 1000",
                "  validation: 500",
                "  augment: {shift: 1, flip: 0.5}",
                ""));
        Path dir = tmp.resolve("run");
        Result r = run("train", "--config", cfg.toString(), "--out", dir.toString(), "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("val loss") && r.out().contains("lr "), r.out());
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        ObjectMapper json = new ObjectMapper();
        int best = 0;
        double bestAcc = -1;
        for (String line : lines) {
            JsonNode m = json.readTree(line);
            for (String f : List.of("lr", "validation_loss", "validation_accuracy")) assertTrue(m.has(f), f + " in " + line);
            if (m.get("validation_accuracy").asDouble() > bestAcc) {
                bestAcc = m.get("validation_accuracy").asDouble();
                best = m.get("epoch").asInt();
            }
        }
        JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
        assertEquals(best, summary.get("model_epoch").asInt());
        assertEquals(2500, summary.get("train_images").asInt());
        double keptTest = json.readTree(lines.get(best - 1)).get("test_accuracy").asDouble();
        assertEquals(keptTest, summary.get("test_accuracy").asDouble());
        assertTrue(Files.isRegularFile(dir.resolve("last.safetensors")), "the last epoch's weights too");
        Result e = run("eval", "--model", dir.toString());
        assertTrue(e.out().contains(String.format("accuracy %.2f%%", 100 * keptTest)), e.out());

        // A split as large as the data that loaded is a located error too.
        String big = Files.readString(cfg).replace("validation: 500", "validation: 3000").replace("train_limit: 3000", "train_limit: 0")
                .replace("keep: best", "keep: last");
        Path dataDir = SmallDataset.write(tmp.resolve("small"), 200, 100);
        Files.writeString(cfg, big);
        assertUserError(run("train", "--config", cfg.toString(), "--data", dataDir.toString(), "--out", tmp.resolve("r2").toString()),
                cfg + ":15:3: data.validation: a validation split of 3000 images leaves none of the 200 training images");
    }

    @Test
    void benchReportsABreakdownAndJson(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        Result r = run("bench", "--steps", "5", "--warmup", "2", "--batch-size", "32", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("images/s"), r.out());
        assertTrue(r.out().contains("fc1 forward"), r.out());
        JsonNode node = new ObjectMapper().readTree(json.toFile());
        assertEquals(32, node.get("batch_size").asInt());
        assertTrue(node.get("images_per_second").asDouble() > 0);
        assertTrue(node.get("phases").size() > 5);
        // On which CPU, and with the vector kernels which width and tile ran, and why.
        assertTrue(node.has("cpu"), node.toString());
        if (node.get("kernels").asText().equals("vector")) {
            assertTrue(node.get("kernels_detail").asText().contains("tile"), node.toString());
            assertTrue(node.has("vector_tuning"), node.toString());
            assertTrue(r.out().contains("vector width and tile: "), r.out());
        }
        assertUserError(run("bench", "--steps", "0"), "--steps");
    }

    @Test
    void benchScalingComparesThreadCountsInOneRun(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        Result r = run("bench", "--steps", "20", "--warmup", "2", "--batch-size", "16", "--threads", "2",
                "--no-peak", "--scaling", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("scaling: 2 threads against 1, 10 alternating rounds of 5 steps"), r.out());
        JsonNode sc = new ObjectMapper().readTree(json.toFile()).get("scaling");
        assertEquals(2, sc.get("threads").asInt());
        assertEquals(1, sc.get("base_threads").asInt());
        double min = sc.get("speedup_min").asDouble(), med = sc.get("speedup_median").asDouble();
        assertTrue(min > 0 && min <= med && med <= sc.get("speedup_max").asDouble(), sc.toString());
        assertTrue(sc.get("base_ms_per_step").asDouble() > 0, sc.toString());
        // The same rounds per phase: every layer with weights shows up both ways, with positive times.
        JsonNode phases = sc.get("phases");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (JsonNode p : phases) {
            names.add(p.get("phase").asText());
            assertTrue(p.get("ms_per_step").asDouble() > 0 && p.get("base_ms_per_step").asDouble() > 0, p.toString());
            assertTrue(p.get("speedup_median").asDouble() > 0, p.toString());
        }
        assertTrue(names.containsAll(java.util.List.of("fc1 forward", "fc1 backward", "fc4 backward", "loss")), names.toString());
        assertTrue(r.out().contains("phase (same rounds)"), r.out());
        assertTrue(sc.get("fma_speedup_median").asDouble() > 0, sc.toString());
        // Two one-thread copies at once: each gets some of one's work done, together not ten times it.
        assertEquals(2, sc.get("independent_copies").asInt(), sc.toString());
        double together = sc.get("independent_speedup_median").asDouble();
        assertTrue(together > 0.2 && together < 10, sc.toString());
        assertTrue(r.out().contains("2 independent 1-thread copies of the step at once"), r.out());
        assertUserError(run("bench", "--threads", "1", "--scaling"), "--threads 2 or more");
    }
}
