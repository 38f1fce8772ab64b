package dev.fashion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fashion.io.NamedTensor;
import dev.fashion.io.Safetensors;
import dev.fashion.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code sweep}: a 2x2 grid on a tiny dataset, run once without interruption and once killed with SIGKILL
 * in a child JVM at a random point and then run again: both end with the same sweep.jsonl results and the
 * same weights, because finished runs are skipped and the interrupted one resumes from its checkpoint.
 */
class SweepTest {
    static final String CONFIG = """
            model:
              input: [1, 28, 28]
              layers:
                - type: flatten
                - {type: linear, name: fc1, out: 32}
                - type: relu
                - {type: linear, name: fc2, out: 10}
                - type: log_softmax
            optimizer: {type: adam, lr: 0.002}
            training: {epochs: 2, batch_size: 32, seed: 5}
            """;
    /** Steps of the whole sweep: 640 images, 2 epochs, at batch 64 (10 an epoch) and 128 (5), for two rates. */
    private static final int STEPS = 2 * (2 * 10 + 2 * 5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    private static List<String> sweepArgs;
    private static Path reference;
    /** How long the uninterrupted sweep took, as this test measured it. */
    private static double sweepSeconds;

    @BeforeAll
    static void uninterruptedSweep() throws IOException {
        Path data = SmallDataset.write(shared.resolve("data"), 640, 200);
        Path config = Files.writeString(shared.resolve("sweep.yaml"), CONFIG);
        sweepArgs = List.of("sweep", "--config", config.toString(), "--data", data.toString(),
                "--set", "optimizer.lr=0.001,0.003", "--set", "training.batch_size=64,128", "--checkpoint-every", "1");
        reference = shared.resolve("reference");
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.run(args(sweepArgs, "--out", reference.toString()).toArray(String[]::new));
        sweepSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void writesOneRunPerCombinationAndALeaderboardBestFirst() throws IOException {
        List<JsonNode> lines = lines(reference);
        assertEquals(4, lines.size());
        List<String> names = lines.stream().map(l -> l.get("run").asText()).toList();
        assertEquals(List.of("lr=0.001_batch_size=64", "lr=0.001_batch_size=128", "lr=0.003_batch_size=64",
                "lr=0.003_batch_size=128"), names, "grid order, the first --set varying slowest");
        for (JsonNode l : lines) {
            assertEquals("done", l.get("status").asText());
            Path run = reference.resolve(l.get("run").asText());
            JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
            assertEquals(summary, l.get("summary"), "sweep.jsonl carries the run's summary.json");
            assertEquals(l.at("/settings/training.batch_size").asInt(), summary.get("batch_size").asInt());
            assertTrue(Files.readString(run.resolve("config.yaml")).contains("lr: " + l.at("/settings/optimizer.lr").asText()));
            assertTrue(summary.get("cpu").asText().length() > 0, "summary.json names the CPU");
        }
        // Each run after the first (which may count the JVM's start) times itself, not the sweep's JVM so far.
        for (JsonNode l : lines.subList(1, lines.size())) {
            double wall = l.at("/summary/wall_seconds").asDouble();
            assertTrue(wall > 0 && wall <= sweepSeconds, l.get("run") + ": wall_seconds " + wall
                    + " in a sweep that took " + sweepSeconds + " s");
        }
        // Rerunning a finished sweep trains nothing and prints the leaderboard, sorted by test accuracy.
        CliTest.Result again = CliTest.run(args(sweepArgs, "--out", reference.toString()).toArray(String[]::new));
        assertEquals(0, again.code(), again.err());
        assertEquals(4, again.out().lines().filter(l -> l.endsWith("done earlier, skipped")).count(), again.out());
        List<String> board = again.out().lines().dropWhile(l -> !l.startsWith("rank")).skip(1).takeWhile(l -> l.matches("\\s+\\d+\\s.*")).toList();
        assertEquals(4, board.size(), again.out());
        double previous = Double.POSITIVE_INFINITY;
        for (String row : board) {
            String run = row.trim().split("\\s+")[1];
            JsonNode summary = JSON.readTree(reference.resolve(run).resolve("summary.json").toFile());
            double acc = summary.get("test_accuracy").asDouble();
            assertTrue(row.contains(String.format("%.2f%%", 100 * acc)), row);
            assertTrue(acc <= previous, "best first: " + board);
            previous = acc;
        }
        assertTrue(again.out().contains("measured on " + JSON.readTree(reference.resolve(names.get(0)).resolve("summary.json").toFile())
                .get("cpu").asText()), "the leaderboard names the CPU: " + again.out());
    }

    @Test
    void benchSweepTabulatesImagesPerSecondAndShareOfPeak(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("bench");
        List<String> bench = List.of("sweep", "--bench", "--config", shared.resolve("sweep.yaml").toString(),
                "--data", shared.resolve("data").toString(), "--set", "training.batch_size=16,32", "--set", "threads=1",
                "--steps", "3", "--warmup", "0", "--out", out.toString());
        CliTest.Result r = CliTest.run(bench.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = lines(out);
        assertEquals(List.of("batch_size=16_threads=1", "batch_size=32_threads=1"), lines.stream().map(l -> l.get("run").asText()).toList());
        for (JsonNode l : lines) {
            JsonNode b = l.get("bench");
            assertEquals(l.at("/settings/training.batch_size").asInt(), b.get("batch_size").asInt());
            assertEquals(1, b.get("threads").asInt());
            assertTrue(b.get("images_per_second").asDouble() > 0 && b.get("peak_share").asDouble() > 0, b.toString());
            String row = r.out().lines().filter(x -> x.contains(l.get("run").asText()) && x.endsWith("%")).findFirst().orElseThrow();
            assertTrue(row.contains(String.format("%,.0f", b.get("images_per_second").asDouble())), row);
            assertTrue(row.contains(String.format("%.0f%%", 100 * b.get("peak_share").asDouble())), row);
        }
        assertTrue(r.out().contains("of peak"), r.out());
        CliTest.Result again = CliTest.run(bench.toArray(String[]::new));
        assertEquals(2, again.out().lines().filter(x -> x.endsWith("done earlier, skipped")).count(), again.out());
    }

    @Test
    void aDivergedRunIsRecordedAndNotRepeated(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("diverge");
        String[] args = {"sweep", "--config", shared.resolve("sweep.yaml").toString(), "--data", shared.resolve("data").toString(),
                "--set", "optimizer.lr=1e30", "--set", "training.epochs=1", "--out", out.toString()};
        CliTest.Result r = CliTest.run(args);
        assertEquals(0, r.code(), "the sweep goes on past a diverged run: " + r.err());
        assertTrue(r.err().contains("training diverged"), r.err());
        JsonNode line = lines(out).get(0);
        assertEquals("diverged", line.get("status").asText());
        assertTrue(Files.exists(out.resolve(line.get("run").asText()).resolve("diverged.json")));
        assertTrue(r.out().lines().anyMatch(l -> l.contains(line.get("run").asText()) && l.endsWith("diverged")), r.out());
        CliTest.Result again = CliTest.run(args);
        assertTrue(again.out().contains(": diverged earlier, skipped"), again.out());
    }

    @Test
    void reportRunsRefusesWhatIsNotARunWithOneLine(@TempDir Path tmp) throws IOException {
        CliTest.assertUserError(CliTest.run("report", "runs", tmp.resolve("nothing").toString()), "nothing: no such directory");
        CliTest.assertUserError(CliTest.run("report", "runs", Files.createDirectories(tmp.resolve("empty")).toString()),
                "empty: neither a run directory");
        CliTest.assertUserError(CliTest.run("report", "runs", reference.toString(), "--run", "lr=9", "--out", tmp.resolve("r.html").toString()),
                "--run lr=9: no such run among lr=0.001_batch_size=64");
        CliTest.assertUserError(CliTest.run("report", "runs", reference.toString(), "--gallery", "-1"), "--gallery");
        for (String cmd : List.of("sweep", "report")) {
            CliTest.Result help = CliTest.run(cmd, "--help");
            assertEquals(0, help.code());
            assertTrue(help.out().contains("Usage: fashion " + cmd), help.out());
        }
        CliTest.Result help = CliTest.run("report", "runs", "--help");
        assertTrue(help.out().contains("Usage: fashion report runs"), help.out());
        // The sweep's own page is there, and lists its four runs.
        String page = Files.readString(reference.resolve("report.html"));
        for (JsonNode l : lines(reference)) assertTrue(page.contains("data-run=\"" + l.get("run").asText() + "\""), l.toString());
    }

    @Test
    void invalidSettingsAreErrorsNamingTheKeyBeforeAnythingRuns(@TempDir Path tmp) {
        Path out = tmp.resolve("sweep");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "optimizer.lrr=0.1", "--out", out.toString()),
                "--set optimizer.lrr=0.1: unknown field 'lrr' in optimizer");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "optimizer.lr=0.001,-1", "--out", out.toString()),
                "--set optimizer.lr=-1: optimizer.lr: learning rate must be a positive number");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "training.batch_size=64,big", "--out", out.toString()),
                "--set training.batch_size=big: training.batch_size");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "trainin.epochs=1", "--out", out.toString()),
                "--set trainin.epochs: no section 'trainin'");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "model.layers[20].out=8", "--out", out.toString()),
                "--set model.layers[20].out: model.layers has no element [20]");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "threads=0", "--out", out.toString()), "--set threads");
        CliTest.assertUserError(CliTest.run("sweep", "--set", "lr", "--out", out.toString()), "--set lr: expected KEY=VALUE");
        assertFalse(Files.exists(out), "nothing ran");
    }

    @Test
    void killedAtARandomPointAndRerunEndsLikeTheUninterruptedSweep(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        // The kill comes after the first checkpoint of the sweep exists (a deterministic marker) and a random
        // number of further checkpoint steps, anywhere in the four runs; past the end the child simply finishes.
        int extraSteps = random.nextInt(STEPS);
        Process p = child(tmp.resolve("child"), args(sweepArgs, "--out", out.toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long first = -1;
        while (p.isAlive()) {
            long progress = progress(out);
            if (first < 0 && progress > 0) first = progress;
            if (first >= 0 && progress - first >= extraSteps) break;
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("timed out waiting for the sweep's checkpoints (seed " + seed + ")");
            }
            Thread.sleep(2);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String context = "killed after " + progress(out) + " of " + STEPS + " steps (seed " + seed + ", exit " + p.exitValue() + ")";

        boolean interruptedRun = unfinishedWithCheckpoint(out);

        CliTest.Result r = CliTest.run(args(sweepArgs, "--out", out.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), context + ": " + r.err());
        if (interruptedRun) assertTrue(r.out().contains("resuming from its checkpoint"), context + ": " + r.out());
        List<JsonNode> ref = lines(reference);
        List<JsonNode> got = lines(out);
        assertEquals(ref.size(), got.size(), context);
        for (int i = 0; i < ref.size(); i++) {
            String run = ref.get(i).get("run").asText();
            assertEquals(run, got.get(i).get("run").asText(), context);
            assertEquals(ref.get(i).get("settings"), got.get(i).get("settings"), context);
            for (String field : List.of("test_accuracy", "test_loss", "train_loss", "train_accuracy", "epochs", "seed")) {
                assertEquals(ref.get(i).get("summary").get(field), got.get(i).get("summary").get(field), run + " " + field + ", " + context);
            }
            Map<String, NamedTensor> expected = Safetensors.read(reference.resolve(run).resolve("model.safetensors")).tensors();
            Map<String, NamedTensor> actual = Safetensors.read(out.resolve(run).resolve("model.safetensors")).tensors();
            assertEquals(expected, actual, run + ": weights differ from the uninterrupted sweep, " + context);
        }
    }

    /** Training steps the sweep has checkpointed so far (a finished run keeps its last checkpoint). */
    private static long progress(Path out) {
        long steps = 0;
        if (!Files.isDirectory(out)) return 0;
        try (var runs = Files.list(out)) {
            for (Path run : runs.filter(Files::isDirectory).toList()) {
                if (Files.exists(run.resolve(Checkpoint.FILE))) {
                    try {
                        steps += Math.max(1, Checkpoint.read(run.resolve(Checkpoint.FILE)).optimizerSteps());
                    } catch (RuntimeException replacedWhileReading) {
                        steps += 1;
                    }
                }
            }
        } catch (IOException e) {
            return steps;
        }
        return steps;
    }

    private static boolean unfinishedWithCheckpoint(Path out) throws IOException {
        if (!Files.isDirectory(out)) return false;
        try (var runs = Files.list(out)) {
            return runs.anyMatch(run -> Files.exists(run.resolve(Checkpoint.FILE)) && !Files.exists(run.resolve("summary.json")));
        }
    }

    private static List<JsonNode> lines(Path sweep) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(sweep.resolve("sweep.jsonl"))) out.add(JSON.readTree(l));
        return out;
    }

    static List<String> args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** The CLI in a new JVM on the test classpath; stdout and stderr go to {@code log}.out and .err. */
    private static Process child(Path log, List<String> cliArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dfashion.checkpoint.pauseMillis=3",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(cliArgs);
        return new ProcessBuilder(cmd)
                .redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile())
                .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile())
                .start();
    }
}
