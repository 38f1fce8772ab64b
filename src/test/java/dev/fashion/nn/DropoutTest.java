package dev.fashion.nn;

import dev.fashion.kernels.ScalarKernels;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import dev.fashion.parallel.AllocationCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dropout mask is the generator's draws taken in element order, on any number of threads. */
class DropoutTest {

    @ParameterizedTest(name = "{0} rows of {1}, {2} threads")
    @CsvSource({"1, 17, 2", "3, 1000, 2", "64, 512, 1", "64, 512, 2", "64, 512, 3", "129, 257, 2", "128, 256, 3"})
    void maskIsTheSequentialDrawsForAnyThreadCount(int n, int features, int threads) {
        float p = 0.3f, scale = 1f / (1f - p);
        int size = n * features;
        float[] x = new float[size];
        Random r = new Random(n * 31L + features);
        for (int i = 0; i < size; i++) x[i] = (float) r.nextGaussian();

        // What the mask must be: one draw per element, in order, from the step's generator.
        Rng sequential = new Rng(42);
        float[] mask = new float[size], y = new float[size];
        for (int i = 0; i < size; i++) {
            mask[i] = sequential.nextFloat() >= p ? scale : 0f;
            y[i] = x[i] * mask[i];
        }

        Dropout drop = new Dropout("drop", p);
        drop.bind(new Shape(features));
        Rng rng = new Rng(42);
        float[] gotMask = new float[size], gotY = new float[size];
        try (Scheduler s = new Scheduler(threads)) {
            drop.forward(new Layer.Context(new ParallelKernels(new ScalarKernels(), s), rng), x, gotY, gotMask, n, true);
        }
        assertArrayEquals(mask, gotMask);
        assertArrayEquals(y, gotY);
        // The generator ends where drawing in turn leaves it, so the next step's mask (and a resume) agree.
        assertEquals(sequential.state(), rng.state());
        assertEquals(sequential.nextLong(), rng.nextLong());
        int kept = 0;
        for (float m : gotMask) kept += m > 0f ? 1 : 0;
        if (size >= 10_000) assertTrue(Math.abs(kept / (double) size - (1 - p)) < 0.02, "kept " + kept + " of " + size);
    }

    /**
     * Not even before C2 compiles it: the layer runs once a step, so its first ~600 calls run in the
     * interpreter or C1, which allocate every object the code creates (a generator object per call once
     * made a 1-thread CNN's warm-up run on for 2,000 steps).
     */
    private static final int CALLS = 1000;

    @Test
    void drawingAMaskAllocatesNothingEvenUncompiled() {
        Dropout drop = new Dropout("drop", 0.5f);
        drop.bind(new Shape(100));
        float[] x = new float[1000], y = new float[1000], mask = new float[1000];
        try (Scheduler s = new Scheduler(1)) {
            Layer.Context ctx = new Layer.Context(new ParallelKernels(new ScalarKernels(), s), new Rng(7));
            drop.forward(ctx, x, y, mask, 10, true); // class loading and the like, once
            long before = AllocationCounter.allocatedByThisThread();
            for (int i = 0; i < CALLS; i++) drop.forward(ctx, x, y, mask, 10, true);
            long after = AllocationCounter.allocatedByThisThread();
            org.junit.jupiter.api.Assumptions.assumeTrue(before >= 0, "this JVM cannot count allocations");
            // Reading the counter costs about a kilobyte itself; one object per call would be 16-24 KB.
            assertTrue(after - before < 4 * CALLS, (after - before) + " bytes allocated by " + CALLS + " calls");
        }
    }
}
