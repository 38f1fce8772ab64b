package dev.fashion.parallel;

import dev.fashion.FashionException;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Batch-parallel scheduler on its own ForkJoin pool (the common pool has parallelism 1 on two cores and
 * is shared with everything else). Work is described as a number of parts; the caller decides what a
 * part is (a block of output rows or columns), so every output element is always computed by the same
 * sequence of operations whatever the thread count.
 *
 * <p>The part tasks are preallocated and {@link ForkJoinTask#reinitialize() reinitialized} on each call,
 * so a call allocates nothing. One caller at a time: a training step drives the pool from one thread;
 * a call made from inside a part runs inline.
 */
public final class Scheduler implements AutoCloseable {

    /** One part of a parallel loop. */
    @FunctionalInterface
    public interface PartTask {
        void run(int part);
    }

    private final int threads;
    private final ForkJoinPool pool;
    private final Part[] parts;
    private final Root root = new Root();

    public Scheduler(int threads) {
        if (threads < 1) {
            throw new FashionException("--threads: expected a positive number, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
        this.parts = new Part[Math.max(threads * 8, 64)];
        for (int i = 0; i < parts.length; i++) parts[i] = new Part();
    }

    /** All available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public int threads() {
        return threads;
    }

    /** The largest number of parts one call may use. */
    public int maxParts() {
        return parts.length;
    }

    /** Runs {@code task.run(p)} for every p in [0, n) and returns when all are done. */
    public void forEach(int n, PartTask task) {
        if (n <= 0) return;
        if (n == 1 || pool == null || ForkJoinTask.inForkJoinPool()) {
            for (int p = 0; p < n; p++) task.run(p);
            return;
        }
        if (n > parts.length) {
            throw new IllegalArgumentException("too many parts: " + n + " > " + parts.length);
        }
        root.reinitialize();
        root.n = n;
        root.task = task;
        try {
            pool.invoke(root);
        } finally {
            root.task = null;
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }

    private final class Root extends RecursiveAction {
        int n;
        PartTask task;

        @Override
        protected void compute() {
            // Fork parts 1..n-1, run part 0 here, then join in reverse order (the likeliest to be local).
            for (int p = 1; p < n; p++) {
                Part part = parts[p];
                part.reinitialize();
                part.index = p;
                part.task = task;
                part.fork();
            }
            Throwable failure = null;
            try {
                task.run(0);
            } catch (Throwable t) {
                failure = t;
            }
            // Join every forked part even after a failure: none may still run when the next call reuses it.
            for (int p = n - 1; p >= 1; p--) {
                try {
                    parts[p].join();
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                    else if (failure != t) failure.addSuppressed(t);
                }
                parts[p].task = null;
            }
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException(failure);
        }
    }

    private static final class Part extends RecursiveAction {
        int index;
        PartTask task;

        @Override
        protected void compute() {
            task.run(index);
        }
    }
}
