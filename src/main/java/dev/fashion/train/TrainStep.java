package dev.fashion.train;

import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Rng;
import dev.fashion.nn.Workspace;
import dev.fashion.optim.Optimizer;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Partition;
import dev.fashion.parallel.Scheduler;

/**
 * One optimisation step on one mini-batch: gather and normalise the images, forward, loss and its
 * gradient, backward, optimizer update. All buffers are allocated here once, so the steady state
 * allocates nothing. With a {@link StepProfile} attached, each phase's time is recorded per layer.
 */
public final class TrainStep {
    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final ParallelKernels kernels;
    private final Normalization norm;
    private final Workspace ws;
    private final Layer.Context ctx;
    private final int[] labels;
    private final float[] rowLoss;
    private final int classes;
    private int lastCorrect;
    private float labelSmoothing;
    /** Augmentation: shift in pixels, flip probability, and this epoch's draw key. */
    private int shift;
    private double flip;
    private long augmentKey;

    public TrainStep(Model model, Loss loss, Optimizer optimizer, ParallelKernels kernels, Normalization norm,
                     Rng dropoutRng, int batch) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.kernels = kernels;
        this.norm = norm;
        this.ws = new Workspace(model, batch);
        this.ctx = new Layer.Context(kernels, dropoutRng);
        this.labels = new int[batch];
        this.rowLoss = new float[batch];
        this.classes = model.outputShape().size();
    }

    /** PyTorch's label smoothing for the loss (0: none). */
    public void labelSmoothing(float e) {
        this.labelSmoothing = e;
    }

    /**
     * Augments every gathered image from now on (shift 0 and flip 0: off); {@code key} picks the draws,
     * and the trainer sets a new one each epoch.
     */
    public void augment(int shift, double flip, long key) {
        this.shift = shift;
        this.flip = flip;
        this.augmentKey = key;
    }

    public Workspace workspace() {
        return ws;
    }

    /** Records per-layer timings from now on (null stops). */
    public void profile(StepProfile profile) {
        ws.profile(profile);
        this.profile = profile;
    }

    private StepProfile profile;

    /**
     * Trains on samples {@code order[offset .. offset+n)} of {@code data} and returns the sum of their
     * losses (summed in row order, so the value does not depend on the thread count).
     */
    public double run(ImageDataset data, int[] order, int offset, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) labels[i] = data.label(order[offset + i]);
        gather.fill(data, order, offset, n);
        long t1 = System.nanoTime();
        float[] out = ws.forward(ctx, n, true);
        long t2 = System.nanoTime();
        lastCorrect = loss.evaluate(out, labels, n, classes, rowLoss, ws.outputGrad(), ws.lossGradientIsForLogits(),
                kernels, labelSmoothing);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += rowLoss[i];
        long t3 = System.nanoTime();
        if (Double.isFinite(sum)) {
            ws.backward(ctx, n);
            long t4 = System.nanoTime();
            optimizer.step(kernels);
            long t5 = System.nanoTime();
            if (profile != null) profile.step(n, t1 - t0, t3 - t2, t5 - t4);
        }
        return sum;
    }

    private final Gather gather = new Gather();

    /**
     * Gathers and normalises the batch's images on all threads: images sit at random places in a 47 MB
     * array, so this is mostly waiting for memory, and two threads wait in parallel (b256: 0.29 ms, 6% of
     * a 2-thread step, when it ran on one). Reused, so a step allocates nothing.
     */
    private final class Gather implements Scheduler.PartTask {
        private ImageDataset data;
        private int[] order;
        private int offset, n, parts;

        void fill(ImageDataset data, int[] order, int offset, int n) {
            int threads = kernels.scheduler().threads();
            if (threads == 1 || n < 2) {
                rows(data, order, offset, n, 0, n);
                return;
            }
            this.data = data;
            this.order = order;
            this.offset = offset;
            this.n = n;
            this.parts = Math.min(threads, n);
            try {
                kernels.scheduler().forEach(parts, this);
            } finally {
                this.data = null;
                this.order = null;
            }
        }

        @Override
        public void run(int part) {
            int from = Partition.start(n, parts, part, 1), to = Partition.end(n, parts, part, 1);
            rows(data, order, offset, n, from, to);
        }

        private void rows(ImageDataset data, int[] order, int offset, int n, int from, int to) {
            if (shift > 0 || flip > 0) {
                data.fillRowsAugmented(order, offset, n, ws.input(), from, to, norm.mean(), norm.std(), shift, flip,
                        augmentKey);
            } else {
                data.fillRows(order, offset, n, ws.input(), from, to, norm.mean(), norm.std());
            }
        }
    }

    /** How many of the last batch's predictions were right. */
    public int lastCorrect() {
        return lastCorrect;
    }

    public Model model() {
        return model;
    }
}
