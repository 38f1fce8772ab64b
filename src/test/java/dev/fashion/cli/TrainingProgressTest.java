package dev.fashion.cli;

import dev.fashion.train.EpochMetrics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingProgressTest {
    private static final EpochMetrics EPOCH = new EpochMetrics(1, 0.5, 0.8, 0.45, 0.83, 2.0, 30_000);

    private static String drive(TrainingProgress.Mode mode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingProgress p = new TrainingProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), mode, 2);
        for (int b = 1; b <= 10; b++) p.batch(1, b, 10, 0.5, b * 64L, b * 0.01);
        p.epoch(EPOCH, 2);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theBarIsOffWhenStdoutIsNotATerminal() {
        // Surefire pipes the forked JVM's output: exactly the CI situation.
        assertFalse(TrainingProgress.isTerminal());
        assertEquals(TrainingProgress.Mode.LINES, TrainingProgress.mode(false));
        String out = drive(TrainingProgress.Mode.LINES);
        assertFalse(out.contains("\r"), "no carriage returns in a log: " + out);
        assertEquals(EPOCH.line(2) + System.lineSeparator(), out);
    }

    @Test
    void onATerminalTheBarRedrawsInPlaceThenLeavesTheEpochLine() {
        String out = drive(TrainingProgress.Mode.BAR);
        assertTrue(out.startsWith("\repoch 1/2 ["), out);
        assertTrue(out.contains("10/10") && out.contains("ETA 0:00") && out.contains("images/s"), out);
        assertTrue(out.endsWith("\r" + EPOCH.line(2) + System.lineSeparator()), out);
    }

    @Test
    void quietPrintsNothingPerEpoch() {
        assertEquals(TrainingProgress.Mode.QUIET, TrainingProgress.mode(true));
        assertEquals("", drive(TrainingProgress.Mode.QUIET));
    }

    @Test
    void barShowsBatchesLossRateAndTimeLeft() {
        String line = TrainingProgress.bar(2, 5, 469, 938, 0.41234, 30_016, 2.0);
        assertEquals("epoch 2/5 [==========>         ] 469/938  loss 0.4123  15,008 images/s  ETA 0:02", line);
    }

    /** With a schedule the bar and the epoch line show the learning rate; without one neither does. */
    @Test
    void aScheduledRunShowsItsLearningRate() {
        EpochMetrics m = new EpochMetrics(1, 0.5, 0.8, 0.45, 0.83, 2.0, 30_000, 1.5e-3, 0.4, 0.85);
        assertTrue(m.line(2).endsWith("|  lr 0.00150"), m.line(2));
        assertTrue(m.line(2).contains("val loss 0.4000  acc  85.00%"), m.line(2));
        assertFalse(m.line(2, false).contains("lr"), m.line(2, false));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingProgress p = new TrainingProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), TrainingProgress.Mode.BAR, 2);
        p.showLr(true);
        p.learningRate(2e-3);
        p.batch(1, 1, 10, 0.5, 64, 0.01);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("  lr 0.00200"), bytes.toString(StandardCharsets.UTF_8));
    }
}
