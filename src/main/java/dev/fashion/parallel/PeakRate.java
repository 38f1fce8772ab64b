package dev.fashion.parallel;

import dev.fashion.kernels.Kernels;

/**
 * Measures the kernels' peak arithmetic rate on this machine, now: register-only FMAs
 * ({@link Kernels#fmaProbe}) on every scheduler thread at once. It is the denominator of "% of peak",
 * measured rather than taken from a data sheet, because a VM's clock, turbo (lower with 512-bit FMAs on
 * some Intel parts) and the JIT decide it: on one 2-core AVX2 guest it was ~70 GFLOP/s per core, not the
 * ~96 that 2 units x 8 lanes x 3 GHz suggest.
 */
public final class PeakRate {

    /** What was measured: the rate on all threads together, and per thread. */
    public record Result(int threads, double gflops, double seconds) {
        public double gflopsPerThread() {
            return gflops / threads;
        }
    }

    private PeakRate() {
    }

    /** Runs for about {@code seconds} after a short warm-up. */
    public static Result measure(ParallelKernels kernels, double seconds) {
        Kernels k = kernels.kernels();
        Scheduler scheduler = kernels.scheduler();
        float[] sink = new float[1];
        // Warm-up: many short calls, so C2 compiles the probe's normal entry (a few long calls would only
        // get a loop-entry compile, and helper threads would then run the probe's boxing C1 code), on
        // every thread, until the rate stops rising.
        double rate = 0;
        long until = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; round < 40 && System.nanoTime() < until; round++) {
            long t0 = System.nanoTime();
            long flops = 0;
            for (int i = 0; i < 2_000; i++) flops += k.fmaProbe(4_096, sink);
            double r = flops / (double) Math.max(1, System.nanoTime() - t0);
            if (round >= 10 && r < rate * 1.02) break;
            rate = Math.max(rate, r);
        }
        scheduler.forEach(scheduler.threads(), p -> {
            float[] s = new float[1];
            for (int i = 0; i < 2_000; i++) k.fmaProbe(4_096, s);
        });
        int threads = scheduler.threads();
        // Many small parts rather than one per thread, so a late-waking helper cannot leave a thread idle.
        int parts = threads * 16;
        long perPart = (long) (rate * 1e9 * seconds * threads / parts);
        float[][] sinks = new float[parts][1];
        long[] done = new long[parts];
        long t0 = System.nanoTime();
        scheduler.forEach(parts, p -> done[p] = k.fmaProbe(perPart, sinks[p]));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long total = 0;
        for (long d : done) total += d;
        return new Result(threads, total / elapsed / 1e9, elapsed);
    }
}
