package dev.fashion.train;

import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Workspace;
import dev.fashion.parallel.ParallelKernels;

/**
 * Runs a model over a whole dataset in inference mode and measures mean loss and accuracy; keeps the
 * predicted class of every image for reports.
 */
public final class Evaluator {
    /** Large batches amortise the per-layer dispatch; 1,000 images use about 5 MB of activations. */
    public static final int BATCH = 1000;

    private final Model model;
    private final Loss loss;
    private final Normalization norm;
    private final Layer.Context ctx;
    private final Workspace ws;
    private final int[] labels = new int[BATCH];
    private final int[] indices = new int[BATCH];
    private final float[] rowLoss = new float[BATCH];

    public Evaluator(Model model, Loss loss, Normalization norm, ParallelKernels kernels) {
        this.model = model;
        this.loss = loss;
        this.norm = norm;
        this.ctx = new Layer.Context(kernels, null);
        this.ws = new Workspace(model, BATCH);
    }

    /** Loss, accuracy and per-image predictions over the whole dataset. */
    public record Result(double loss, double accuracy, int count, int[] predictions, int[] labels) {
    }

    public Result evaluate(ImageDataset data) {
        int count = data.count();
        int classes = model.outputShape().size();
        int[] predictions = new int[count];
        int[] truth = new int[count];
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < count; start += BATCH) {
            int n = Math.min(BATCH, count - start);
            for (int i = 0; i < n; i++) {
                indices[i] = start + i;
                labels[i] = data.label(start + i);
            }
            data.fillBatch(indices, 0, n, ws.input(), norm.mean(), norm.std());
            float[] out = ws.forward(ctx, n, false);
            correct += loss.evaluate(out, labels, n, classes, rowLoss, null);
            for (int i = 0; i < n; i++) {
                lossSum += rowLoss[i];
                predictions[start + i] = argmax(out, i * classes, classes);
                truth[start + i] = labels[i];
            }
        }
        return new Result(lossSum / count, (double) correct / count, count, predictions, truth);
    }

    static int argmax(float[] row, int offset, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (row[offset + j] > row[offset + best]) best = j;
        return best;
    }
}
