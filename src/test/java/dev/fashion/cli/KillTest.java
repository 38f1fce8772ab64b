package dev.fashion.cli;

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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code train} in a child JVM, killed hard (SIGKILL) at random moments and in the middle of a checkpoint
 * write, or interrupted with SIGINT: the run directory always holds a loadable checkpoint, and resuming
 * ends with the weights of a run that was never interrupted.
 */
class KillTest {
    private static final String CONFIG = """
            model:
              input: [1, 28, 28]
              layers:
                - type: flatten
                - {type: linear, name: fc1, out: 128}
                - type: relu
                - {type: dropout, p: 0.2}
                - {type: linear, name: fc2, out: 64}
                - type: relu
                - {type: linear, name: fc3, out: 10}
                - type: log_softmax
            optimizer: {type: adam, lr: 0.002}
            training: {epochs: 2, batch_size: 32, seed: 11}
            """;

    @TempDir
    static Path shared;
    private static List<String> trainArgs;
    private static Path reference;

    @BeforeAll
    static void referenceRun() throws IOException {
        Path data = SmallDataset.write(shared.resolve("data"), 1_500, 300);
        Path config = Files.writeString(shared.resolve("kill.yaml"), CONFIG);
        trainArgs = List.of("train", "--config", config.toString(), "--data", data.toString());
        reference = shared.resolve("reference");
        CliTest.Result r = CliTest.run(args(trainArgs, "--out", reference.toString(), "-q").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void killedAnywhereLeavesALoadableCheckpointAndResumesExactly(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Path checkpoint = run.resolve(Checkpoint.FILE);

        // Every write pauses between its bytes and the rename: wait for one in progress, after an earlier one landed.
        Process p = child(tmp.resolve("first"), 400, args(trainArgs, "--out", run.toString(), "--checkpoint-every", "2"));
        await(p, () -> Files.exists(checkpoint) && !tempFiles(run).isEmpty());
        kill(p);
        assertFalse(tempFiles(run).isEmpty(), "killed while a checkpoint was being written");
        long steps = Checkpoint.read(checkpoint).optimizerSteps();

        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 2; i++) {
            Path log = tmp.resolve("resume" + i);
            Process q = child(log, 15, List.of("train", "--resume", run.toString(), "--checkpoint-every", "2"));
            await(q, () -> read(log.resolveSibling(log.getFileName() + ".out")).contains("resuming from"));
            assertTrue(read(log.resolveSibling(log.getFileName() + ".out")).startsWith("fashion train: the config saved in "
                    + checkpoint + ","), "a resumed run names the config it runs (its checkpoint's), not the bundled one");
            Thread.sleep(random.nextInt(1_000));
            kill(q);
            long now = Checkpoint.read(checkpoint).optimizerSteps();
            assertTrue(now >= steps, "checkpoints only move forward (seed " + seed + ")");
            steps = now;
        }

        assertFinishesLikeTheReference(run, "seed " + seed);
    }

    @Test
    void ctrlCFinishesTheStepWritesACheckpointAndSaysHowToResume(@TempDir Path tmp) throws Exception {
        assumeTrue(!System.getProperty("os.name").startsWith("Windows"), "needs kill -INT");
        Path run = tmp.resolve("run");
        Path log = tmp.resolve("child");
        // The child waits after its 10th step until a stop is requested, so the signal, sent once the step-7
        // checkpoint exists, always finds it training, however fast or slow the machine is.
        Process p = child(log, 15, defaultSigint(), args(trainArgs, "--out", run.toString(), "--checkpoint-every", "7"),
                "-D" + GracefulStop.WAIT_AT_POLL_PROPERTY + "=10");
        await(p, () -> Files.exists(run.resolve(Checkpoint.FILE)));
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child stops after SIGINT");
        String err = read(tmp.resolve("child.err"));
        assertEquals(130, p.exitValue(), err);
        assertTrue(err.contains("interrupted at epoch") || err.contains("interrupted at the end of epoch"), err);
        assertTrue(err.contains("resume with: fashion train --resume " + run), err);
        assertEquals(1, err.strip().lines().filter(l -> !l.startsWith("WARNING: Using incubator")).count(), "one line: " + err);
        long steps = Checkpoint.read(run.resolve(Checkpoint.FILE)).optimizerSteps();
        assertTrue(err.contains("(step " + steps + ")"), "the checkpoint is the stopping step's: " + err);

        assertFinishesLikeTheReference(run, "after SIGINT");
    }

    private static void assertFinishesLikeTheReference(Path run, String context) throws IOException {
        CliTest.Result r = CliTest.run("train", "--resume", run.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        Map<String, NamedTensor> expected = Safetensors.read(reference.resolve("model.safetensors")).tensors();
        Map<String, NamedTensor> actual = Safetensors.read(run.resolve("model.safetensors")).tensors();
        assertEquals(expected, actual, "weights after resuming differ from the uninterrupted run (" + context + ")");
        List<String> ref = Files.readAllLines(reference.resolve("metrics.jsonl"));
        List<String> got = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(ref.size(), got.size(), "one metrics line per epoch: " + got);
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(field(ref.get(i), "train_loss"), field(got.get(i), "train_loss"), "epoch " + (i + 1));
            assertEquals(field(ref.get(i), "test_accuracy"), field(got.get(i), "test_accuracy"), "epoch " + (i + 1));
        }
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":");
        return json.substring(at, json.indexOf(',', at));
    }

    private static List<String> args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /**
     * A prefix that starts the child with SIGINT's default action. A process started in the background by
     * a non-interactive shell (nohup ... &amp;, some CI runners) inherits SIGINT ignored, and a JVM that
     * starts so never sees Ctrl-C: the test would wait out its timeout. GNU env resets it and then execs
     * java, so the pid stays the JVM's. Without it, the test is skipped if SIGINT is ignored here.
     */
    private static List<String> defaultSigint() throws IOException, InterruptedException {
        try {
            Process env = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            env.getInputStream().readAllBytes();
            if (env.waitFor() == 0) return List.of("env", "--default-signal=INT");
        } catch (IOException noEnv) {
            // fall through
        }
        assumeTrue(!sigintIgnored(), "SIGINT is ignored in this process and env --default-signal is missing: "
                + "a child JVM could not see the signal");
        return List.of();
    }

    /** Linux: SIGINT (signal 2) in the SigIgn mask of /proc/self/status; false where that cannot be read. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return false;
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:")).findFirst()
                .map(l -> (Long.parseLong(l.substring(7).strip(), 16) & 2L) != 0).orElse(false);
    }

    private static Process child(Path log, long pauseMillis, List<String> cliArgs, String... jvmOptions) throws IOException {
        return child(log, pauseMillis, List.of(), cliArgs, jvmOptions);
    }

    /** The CLI in a new JVM on the test classpath, after {@code prefix}; stdout and stderr go to {@code log}.out and .err. */
    private static Process child(Path log, long pauseMillis, List<String> prefix, List<String> cliArgs, String... jvmOptions)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dfashion.checkpoint.pauseMillis=" + pauseMillis));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(cliArgs);
        return new ProcessBuilder(cmd)
                .redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile())
                .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile())
                .start();
    }

    private static void await(Process p, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (!p.isAlive()) fail("the child exited (code " + p.exitValue() + ") before the moment to kill it");
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("timed out waiting for the child");
            }
            Thread.sleep(5);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    private static List<Path> tempFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("." + Checkpoint.FILE)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
