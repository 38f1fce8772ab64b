package dev.fashion.train;

import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Rng;
import dev.fashion.parallel.AllocationCounter;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;

/**
 * Trains a throwaway copy of the model on synthetic images, and evaluates it, on a background thread, so
 * the JIT has compiled the kernels for this config's shapes before the real run starts; meant to run
 * while the data loads.
 *
 * <p>Why: the Vector API is very slow until C2 compiles it (vectors are objects in the interpreter),
 * and C2 compiles a kernel only after thousands of calls and loop trips. Without this the reference
 * run's first epoch took 2.5 s and the third ~1 s (JDK 17, 2 threads); and because the first test
 * evaluation (batch 1,000) took branches training had not, C2 threw away and recompiled the matmul then.
 *
 * <p>The real model, its random streams and its results are untouched: the copy has its own weights,
 * optimizer state, buffers and seed, and the kernels give the same bits in every JIT tier.
 */
public final class JitWarmup {
    private final Thread thread;
    private volatile Throwable failure;
    private volatile int stepsDone;
    private volatile int limit;
    private volatile long nanos;

    private JitWarmup(RunConfig config, ParallelKernels kernels, int steps) {
        this.limit = (int) Math.min(Integer.MAX_VALUE, 10L * steps);
        this.thread = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                // The run's thread count, so the step's split paths (the scheduler's hand-offs, the parallel
                // kernels' splits, the kernels at the parts' shapes) are profiled and compiled before epoch 1
                // rather than during it; helpers spin only briefly before parking, so the JIT compilers get
                // the cores between hand-offs. See WARMUP_SPIN_NANOS.
                try (Scheduler warm = new Scheduler(kernels.scheduler().threads(), WARMUP_SPIN_NANOS)) {
                    run(config, new ParallelKernels(kernels.kernels(), warm), steps);
                }
            } catch (Throwable t) {
                failure = t;
            }
            nanos = System.nanoTime() - t0;
        }, "fashion-jit-warmup");
        thread.setDaemon(true);
    }

    /**
     * Starts {@code steps} warm-up steps (0: none) on a background thread, then more while the steps still
     * allocate (not yet compiled), up to the limit that {@link #fitTo} sets (no more than 10x steps).
     */
    public static JitWarmup start(RunConfig config, ParallelKernels kernels, int steps) {
        if (steps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
        JitWarmup w = new JitWarmup(config, kernels, steps);
        if (steps > 0) w.thread.start();
        return w;
    }

    /**
     * Stops the warm-up after at most a tenth of the real run's steps, and at once for a run of fewer than
     * {@link #MIN_RUN_STEPS}: a short run pays more for the warm-up (its first steps run interpreted, over
     * a second) than it gains.
     */
    public void fitTo(long runSteps) {
        limit = runSteps < MIN_RUN_STEPS ? 0 : (int) Math.min(limit, runSteps / 10);
    }

    /**
     * How long the warm-up's idle threads spin before parking. Until 2026-12 the warm-up ran on one thread
     * (a spinning helper would take the core the compilers need), and C2 then compiled ~55 methods of the
     * two-thread step (scheduler, splits, TrainStep, Linear) during epochs 1 and 2. README command, AMD
     * EPYC Zen 5, JDK 17, 4 interleaved rounds: from warm-up done to training done 3.06-3.17 s on one
     * thread, 2.84-2.95 s on two spinning 20 µs, 2.71-3.17 s spinning 200 µs (the run's), 2.93-3.13 s not
     * spinning; wall time 6.94-7.46 s against 7.20-8.00 s on one thread.
     */
    static final long WARMUP_SPIN_NANOS = 20_000;

    /** Steps per window of the extended warm-up, and what a window may allocate and count as compiled. */
    private static final int WINDOW = 25;
    private static final long QUIET_BYTES = 4_096;

    /** About one epoch of the reference run at batch 64. */
    public static final long MIN_RUN_STEPS = 1000;

    /** Waits for the warm-up to finish; a failure in it is a bug, rethrown here. */
    public void await() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the JIT warm-up", e);
        }
        if (failure != null) throw new IllegalStateException("JIT warm-up failed: " + failure, failure);
    }

    public int stepsDone() {
        return stepsDone;
    }

    public double seconds() {
        return nanos / 1e9;
    }

    /**
     * Eight random bytes per draw, in a method of its own: this loop runs 784,000 times while everything is
     * still interpreted, and a loop that long gets compiled on the spot (OSR) with the method around it, which
     * inside run() meant C2 compiling the whole training step a second time, in the queue before the kernels.
     */
    private static void randomBytes(byte[] out, Rng rng) {
        for (int i = 0; i < out.length; i += 8) {
            long r = rng.nextLong();
            for (int b = 0; b < 8 && i + b < out.length; b++, r >>>= 8) out[i + b] = (byte) r;
        }
    }

    private void run(RunConfig config, ParallelKernels kernels, int steps) {
        Model model = ModelFactory.build(config);
        Trainer trainer = new Trainer(config, model, kernels);
        int batch = config.getTraining().getBatchSize();
        // Random images with the real batch shape; enough of them for a full evaluation batch.
        int size = model.inputShape().size();
        int count = Math.max(batch, Evaluator.BATCH);
        Rng rng = new Rng(0x5EED);
        byte[] pixels = new byte[count * size];
        byte[] labels = new byte[count];
        randomBytes(pixels, rng);
        int classes = Math.min(ImageDataset.NUM_CLASSES, model.outputShape().size());
        for (int i = 0; i < count; i++) labels[i] = (byte) (i % classes);
        ImageDataset data = new ImageDataset("jit warm-up", count, 1, size, pixels, labels);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        TrainStep step = trainer.newStep(batch);
        Evaluator evaluator = new Evaluator(model, Loss.parse(config.getLoss()), Normalization.of(config.getData()),
                kernels);
        int batches = count / batch;
        int s = 0;
        for (; s < Math.min(steps, limit); s++) {
            step.run(data, order, (s % batches) * batch, batch);
            stepsDone = s + 1;
            // Evaluate part way in too, so the first compilation already knows the inference shapes.
            if (s == steps / 2) evaluator.evaluate(data);
        }
        // Then on while a window of steps still allocates: some kernel still runs C1 code, which boxes
        // every vector (Adam was compiled only after ~400 steps on a busy 2-core machine), up to the
        // limit. This thread's counter is enough: it claims parts of the split calls beside the helpers,
        // running the same methods (C2 compiles methods, not threads); the process's other threads
        // allocate meanwhile (the data load), so a count over all of them would never go quiet.
        while (s > 0 && s + WINDOW <= limit) {
            long before = AllocationCounter.allocatedByThisThread();
            for (int w = 0; w < WINDOW; w++, s++) step.run(data, order, (s % batches) * batch, batch);
            stepsDone = s;
            if (before < 0 || AllocationCounter.allocatedByThisThread() - before < QUIET_BYTES) break;
        }
        if (stepsDone > 0) evaluator.evaluate(data);
    }
}
