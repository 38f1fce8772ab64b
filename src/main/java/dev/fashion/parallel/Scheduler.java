package dev.fashion.parallel;

import dev.fashion.FashionException;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Batch-parallel scheduler on its own ForkJoin pool (the common pool has parallelism 1 on two cores and
 * is shared with everything else). Work is described as a number of parts; the caller decides what a
 * part is (a block of output rows or columns), so every output element is always computed by the same
 * sequence of operations whatever the thread count or whichever thread runs the part.
 *
 * <p>How the pool is used: forking each call's parts as tasks (the first version) cost 10-30 µs per
 * hand-off to a parked worker, which at batch 64 is the size of a whole layer, and the caller's blocking
 * join allocated a wait node. So each of the pool's threads-1 workers runs one long-lived helper task,
 * and a call's parts are claimed from a shared counter by the calling thread and the helpers together;
 * a helper spins for a short while after each call before it parks, so the next call of the same
 * training step finds it awake (b64, 2 threads: 2.4-2.6 -> 1.4-1.6 ms/step on JDK 17). Nothing is
 * allocated per call.
 *
 * <p>One caller at a time: a call made while another is running (from inside a part, or from a second
 * thread) runs its parts inline on its own thread.
 */
public final class Scheduler implements AutoCloseable {

    /** One part of a parallel loop. */
    @FunctionalInterface
    public interface PartTask {
        void run(int part);
    }

    /**
     * How long an idle helper (and a waiting caller) spins before it parks. Consecutive split kernel calls
     * of a training step come a few to a few hundred microseconds apart; waking a parked thread took
     * ~50 µs here (measured: 0.3-1.7 µs per hand-off to a spinning helper, 50-70 µs to a parked one).
     */
    static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final long spinNanos;
    private final ForkJoinPool pool;
    private final Helper[] helpers;

    /** Set while a call runs; a call that finds it set runs inline. */
    private final AtomicInteger busy = new AtomicInteger();
    // The current call, published to the helpers by the volatile write of Helper.call.
    private PartTask task;
    private int parts;
    private final AtomicInteger nextPart = new AtomicInteger();
    /** Helpers still working on the current call. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile boolean callerParked;
    private Throwable failure;
    private volatile boolean closed;

    public Scheduler(int threads) {
        this(threads, SPIN_NANOS);
    }

    /**
     * A scheduler whose idle threads spin for {@code spinNanos} before they park: less than the default
     * where other threads need the cores more than the hand-offs need speed (the JIT warm-up, beside the
     * JIT compilers).
     */
    public Scheduler(int threads, long spinNanos) {
        if (threads < 1) {
            throw new FashionException("--threads: expected a positive number, got " + threads);
        }
        this.threads = threads;
        this.spinNanos = spinNanos;
        this.helpers = new Helper[threads - 1];
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1, Scheduler::worker, null, false);
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper();
            pool.execute(helpers[i]);
        }
    }

    private static ForkJoinWorkerThread worker(ForkJoinPool pool) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("fashion-worker-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }

    /** All available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task.run(p)} for every p in [0, n) and returns when all are done. */
    public void forEach(int n, PartTask task) {
        if (n <= 0) return;
        if (n == 1 || helpers.length == 0 || !busy.compareAndSet(0, 1)) {
            for (int p = 0; p < n; p++) task.run(p);
            return;
        }
        try {
            int used = Math.min(helpers.length, n - 1);
            this.task = task;
            this.parts = n;
            this.failure = null;
            this.caller = Thread.currentThread();
            nextPart.set(0);
            pending.set(used);
            for (int h = 0; h < used; h++) helpers[h].start();
            try {
                runParts();
            } finally {
                // A helper that has not woken up yet is not waited for (a parked thread took ~50 µs to
                // wake on these machines): it gives up the call if the caller withdraws it first.
                for (int h = 0; h < used; h++) {
                    if (helpers[h].state.compareAndSet(SIGNALLED, IDLE)) pending.decrementAndGet();
                }
                awaitHelpers();
            }
            Throwable f = failure;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        } finally {
            this.task = null; // do not keep the caller's job alive
            this.caller = null;
            busy.set(0);
        }
    }

    /** Claims and runs parts until none are left; the first failure is kept, the other parts still run. */
    private void runParts() {
        PartTask t = task;
        int n = parts;
        for (int p; (p = nextPart.getAndIncrement()) < n; ) {
            try {
                t.run(p);
            } catch (Throwable e) {
                fail(e);
            }
        }
    }

    private synchronized void fail(Throwable e) {
        if (failure == null) failure = e;
        else if (failure != e) failure.addSuppressed(e);
    }

    private void awaitHelpers() {
        long spinUntil = System.nanoTime() + spinNanos;
        while (pending.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                callerParked = true;
                if (pending.get() != 0) LockSupport.park(this);
                callerParked = false;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Helper h : helpers) {
            Thread t = h.thread;
            if (t != null) LockSupport.unpark(t);
        }
        if (pool != null) pool.shutdown();
    }

    private static final int IDLE = 0, SIGNALLED = 1, RUNNING = 2;

    /** A pool worker's one task: waits for a call, claims parts with the caller, reports back, waits again. */
    private final class Helper extends RecursiveAction {
        volatile Thread thread;
        /** SIGNALLED by the caller; the helper takes the call (RUNNING) unless the caller withdrew it. */
        final AtomicInteger state = new AtomicInteger(IDLE);
        /** Incremented by the caller to hand this helper a call. */
        volatile long call;
        volatile boolean parked;

        void start() {
            state.set(SIGNALLED);
            call++; // only the caller writes it
            if (parked) LockSupport.unpark(thread);
        }

        @Override
        protected void compute() {
            thread = Thread.currentThread();
            long seen = 0;
            while (true) {
                long spinUntil = System.nanoTime() + spinNanos;
                while (call == seen && !closed) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (call == seen && !closed) LockSupport.park(this);
                        parked = false;
                    }
                }
                if (closed) return;
                seen = call;
                if (!state.compareAndSet(SIGNALLED, RUNNING)) continue; // withdrawn: the caller did the parts
                runParts();
                state.set(IDLE);
                if (pending.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
            }
        }
    }
}
