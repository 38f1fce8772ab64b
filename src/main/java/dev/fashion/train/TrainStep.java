package dev.fashion.train;

import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Rng;
import dev.fashion.nn.Workspace;
import dev.fashion.optim.Optimizer;
import dev.fashion.parallel.ParallelKernels;

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
        data.fillBatch(order, offset, n, ws.input(), norm.mean(), norm.std());
        long t1 = System.nanoTime();
        float[] out = ws.forward(ctx, n, true);
        long t2 = System.nanoTime();
        lastCorrect = loss.evaluate(out, labels, n, classes, rowLoss, ws.outputGrad(), ws.lossGradientIsForLogits());
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

    /** How many of the last batch's predictions were right. */
    public int lastCorrect() {
        return lastCorrect;
    }

    public Model model() {
        return model;
    }
}
