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
            // Nothing here depends on the machine's speed: the run's length is sized from a rate measured a
            // moment before (a busy host or a late compile can put it off by more than 10x either way), and a
            // loaded or emulated core can run scalar FMAs at any rate. What must hold is that a run was timed
            // and a finite, positive rate came out of it; no real core reaches 100 TFLOP/s of scalar FMAs.
            assertTrue(r.seconds() > 0 && r.seconds() < 60, "ran for " + r.seconds() + " s");
            assertTrue(r.gflops() > 0 && r.gflops() < 100_000, r.gflops() + " GFLOP/s");
            assertEquals(r.gflops() / 2, r.gflopsPerThread(), 1e-9);
        }
    }
}
