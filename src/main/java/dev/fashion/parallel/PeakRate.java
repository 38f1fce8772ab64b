package dev.fashion.parallel;

import dev.fashion.kernels.Kernels;

/**
 * Measures the kernels' peak arithmetic rate on this machine, now: register-only FMAs
 * ({@link Kernels#fmaProbe}) on every scheduler thread at once. It is the denominator of "% of peak",
 * measured rather than taken from a data sheet, because a VM's clock, turbo (lower with 512-bit FMAs on
 * some Intel parts) and the JIT decide it: on one 2-core AVX2 guest it was ~70 GFLOP/s per core, not the
 * ~96 that 2 units x 8 lanes x 3 GHz suggest. It is what Java FMAs reach, not the silicon's ceiling: on an
 * AVX-512 guest that measured 150-175 per core, OpenBLAS's assembly reached 186-231 at large shapes.
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

    /** Above what reading the counter allocates itself, far below a round of boxing calls (megabytes). */
    private static final long COUNTER_BYTES = 8_192;

    /** Runs for about {@code seconds} after a short warm-up. */
    public static Result measure(ParallelKernels kernels, double seconds) {
        Kernels k = kernels.kernels();
        Scheduler scheduler = kernels.scheduler();
        float[] sink = new float[1];
        // Warm-up: many short calls, so C2 compiles the probe's normal entry (a few long calls would only
        // get a loop-entry compile, and helper threads would then run the probe's boxing C1 code), until
        // a round allocates nothing (compiled vector code boxes nothing; a probe that does not allocate
        // at all, like the scalar one, skips that test) and the rate has stopped rising. With C2 busy
        // compiling something else the rate can plateau at C1 speed for a while: hence the first test.
        double rate = 0;
        long until = System.nanoTime() + 5_000_000_000L;
        for (int round = 0; System.nanoTime() < until; round++) {
            long a0 = AllocationCounter.allocatedByThisThread();
            long t0 = System.nanoTime();
            long flops = 0;
            for (int i = 0; i < 2_000; i++) flops += k.fmaProbe(4_096, sink);
            double r = flops / (double) Math.max(1, System.nanoTime() - t0);
            boolean boxed = a0 >= 0 && AllocationCounter.allocatedByThisThread() - a0 > COUNTER_BYTES;
            if (round >= 10 && !boxed && r < rate * 1.02) break;
            rate = Math.max(rate, r);
        }
        // Short calls understate the rate (call overhead); size the timed runs from one long call.
        long t1 = System.nanoTime();
        long long1 = k.fmaProbe(20_000_000, sink);
        rate = Math.max(rate, long1 / (double) Math.max(1, System.nanoTime() - t1));
        scheduler.forEach(scheduler.threads(), p -> {
            float[] s = new float[1];
            for (int i = 0; i < 2_000; i++) k.fmaProbe(4_096, s);
        });
        int threads = scheduler.threads();
        // Many small parts rather than one per thread, so a late-waking helper cannot leave a thread idle.
        // The best of three runs: a peak is a maximum, and a busy host or a late compile only lowers it.
        int parts = threads * 16;
        long perPart = (long) (rate * 1e9 * seconds / 3 * threads / parts);
        float[][] sinks = new float[parts][1];
        long[] done = new long[parts];
        double best = 0, bestSeconds = 0;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            scheduler.forEach(parts, p -> done[p] = k.fmaProbe(perPart, sinks[p]));
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long total = 0;
            for (long d : done) total += d;
            if (total / elapsed > best) {
                best = total / elapsed;
                bestSeconds = elapsed;
            }
        }
        return new Result(threads, best / 1e9, bestSeconds);
    }

    /**
     * Seconds that {@code flops} register-only FMAs take spread over all the scheduler's threads (8 parts a
     * thread, as in {@link #measure}): the same work timed on two thread counts says how much arithmetic
     * the host lets the extra threads add right now, the ceiling for any speedup measured beside it.
     */
    public static double time(ParallelKernels kernels, long flops) {
        Kernels k = kernels.kernels();
        int parts = kernels.scheduler().threads() * 8;
        long perPart = Math.max(1, flops / parts);
        float[][] sinks = new float[parts][1];
        long t0 = System.nanoTime();
        kernels.scheduler().forEach(parts, p -> k.fmaProbe(perPart, sinks[p]));
        return (System.nanoTime() - t0) / 1e9;
    }
}
