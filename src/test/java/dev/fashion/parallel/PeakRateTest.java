package dev.fashion.parallel;

import dev.fashion.kernels.ScalarKernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeakRateTest {

    @Test
    void measuresOnEveryThreadAndReportsAPlausibleRate() {
        try (Scheduler s = new Scheduler(2)) {
            PeakRate.Result r = PeakRate.measure(new ParallelKernels(new ScalarKernels(), s), 0.05);
            assertEquals(2, r.threads());
            // Each of the three timed runs is sized to take a third of the 0.05 s from a one-thread rate
            // measured just before; on a busy host that estimate can be off by 2-3x (a best run took
            // 0.008 s), so only a sizing off by an order of magnitude fails.
            assertTrue(r.seconds() > 0.05 / 3 / 10 && r.seconds() < 10, "ran for " + r.seconds() + " s");
            // Scalar FMAs: well above a GFLOP/s on any core that can run the JIT, and nowhere near a
            // thousand; a broken timer or flop count lands outside.
            assertTrue(r.gflops() > 0.5 && r.gflops() < 1000, r.gflops() + " GFLOP/s");
            assertEquals(r.gflops() / 2, r.gflopsPerThread(), 1e-9);
        }
    }
}
