package dev.fashion.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warmed-up CNN training step (dropout included) allocates nothing, in a JVM whose JIT has compiled every kernel the
 * step uses: `bench` in a child JVM with -Xbatch, so each compile finishes before the code runs on
 * and the outcome does not depend on the machine's speed. A kernel that C2 compiles with boxed vectors
 * allocates on every step (on JDK 17 that was every matmul once batch norm's sums used a second
 * vector species: thousands of bytes a step); one-off allocations spread over the timed steps stay
 * far below the bound.
 */
class StepAllocationTest {

    private static final String CNN = """
            model:
              input: [1, 28, 28]
              layers:
                - {type: conv2d, name: conv1, out: 8, kernel: 3, padding: 1, bias: false}
                - {type: batch_norm, name: bn1}
                - {type: relu, name: relu1}
                - {type: max_pool, name: pool1, kernel: 2}
                - {type: conv2d, name: conv2, out: 12, kernel: 3, padding: 1}
                - {type: batch_norm, name: bn2}
                - {type: relu, name: relu2}
                - {type: max_pool, name: pool2, kernel: 2}
                - {type: flatten, name: flatten}
                - {type: dropout, name: drop, p: 0.3}
                - {type: linear, name: fc1, out: 10}
            loss: {type: cross_entropy}
            optimizer: {type: adamw, lr: 0.001}
            training: {epochs: 1, batch_size: 32, seed: 1}
            """;

    @Test
    void aWarmCnnTrainingStepAllocatesNothing(@TempDir Path tmp) throws Exception {
        Path data = SmallDataset.write(tmp.resolve("data"), 640, 10);
        Path config = Files.writeString(tmp.resolve("cnn.yaml"), CNN);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xbatch",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "bench", "--config", config.toString(), "--data", data.toString(), "--threads", "1",
                "--warmup", "300", "--steps", "50", "--no-peak"));
        Path log = tmp.resolve("bench.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "bench did not finish");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("allocated: ([0-9,]+) bytes/step").matcher(out);
        assertTrue(m.find(), "no allocation line in:\n" + out);
        long perStep = Long.parseLong(m.group(1).replace(",", ""));
        assertTrue(perStep < 64, perStep + " bytes allocated per warm step (boxed vectors?):\n" + out);
    }
}
