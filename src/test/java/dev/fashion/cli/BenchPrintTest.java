package dev.fashion.cli;

import dev.fashion.parallel.PeakRate;
import dev.fashion.train.StepBenchmark;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench's table against its peak: a phase above a (disturbed) peak measurement is called out, not hidden. */
class BenchPrintTest {

    // 10 ms a step; conv at 2 ms doing 400 MFLOP is 200 GFLOP/s, the step 50 GFLOP/s.
    private static final StepBenchmark.Result RUN = new StepBenchmark.Result(128, 2, "vector", 10, 1.0, 100, 1.0,
            500_000_000L, List.of(new StepBenchmark.Phase("conv forward", 2.0, 0.2, 400_000_000L),
            new StepBenchmark.Phase("pool forward", 8.0, 0.8, 0L)), 0, 0);

    private static String print(double peakGflops) {
        return print(RUN, peakGflops);
    }

    private static String print(StepBenchmark.Result run, double peakGflops) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), run, 60_000,
                new PeakRate.Result(2, peakGflops, 0.3));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static StepBenchmark.Result allocating(long timed, long profiled) {
        return new StepBenchmark.Result(RUN.batch(), RUN.threads(), RUN.kernels(), RUN.warmupSteps(), RUN.warmupSeconds(),
                RUN.steps(), RUN.seconds(), RUN.flopsPerStep(), RUN.phases(), timed, profiled);
    }

    @Test
    void allocationOnlyInTheTimedStepsIsCalledAOneOffAndPerStepAllocationIsNot() {
        assertTrue(print(allocating(0, 0), 400).contains("allocated: 0 bytes/step (all threads)" + System.lineSeparator()));
        String oneOff = print(allocating(8, 0), 400);
        assertTrue(oneOff.contains("allocated: 8 bytes/step (all threads) in the timed steps, 0 in the 100 profiled"
                + " steps after them: a one-off"), oneOff);
        String fewer = print(allocating(8, 2), 400);
        assertTrue(fewer.contains("allocated: 8 bytes/step (all threads) in the timed steps, 2 in the 100 profiled steps"
                + " after them" + System.lineSeparator()), fewer);
        String perStep = print(allocating(8, 8), 400);
        assertTrue(perStep.contains("allocated: 8 bytes/step (all threads)" + System.lineSeparator()) && !perStep.contains("one-off"), perStep);
    }

    @Test
    void theFastestRateIsTheFastestPhaseOrTheStep() {
        assertEquals(200.0, BenchCommand.fastestRate(RUN), 1e-9);
    }

    @Test
    void aPhaseFasterThanThePeakGetsACaution() {
        assertTrue(print(100).contains("caution: a phase ran faster than this peak"));
        assertFalse(print(400).contains("caution"));
    }
}
