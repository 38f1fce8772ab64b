package dev.fashion.train;

import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Model;
import dev.fashion.nn.Workspace;
import dev.fashion.parallel.ParallelKernels;

import java.util.Arrays;

/**
 * Class probabilities from a trained model, in inference mode. A model that ends in log_softmax (the
 * reference) gives log-probabilities, one ending in softmax gives probabilities, anything else raw
 * scores (a cross_entropy model), which get a softmax here.
 */
public final class Predictor {
    private enum Output { LOG_PROBABILITIES, PROBABILITIES, SCORES }

    private final Model model;
    private final Normalization norm;
    private final Layer.Context ctx;
    private final Output output;
    private Workspace ws;

    public Predictor(Model model, Normalization norm, ParallelKernels kernels) {
        this.model = model;
        this.norm = norm;
        this.ctx = new Layer.Context(kernels, null);
        String last = model.layers().get(model.layers().size() - 1).type();
        this.output = switch (last) {
            case "log_softmax" -> Output.LOG_PROBABILITIES;
            case "softmax" -> Output.PROBABILITIES;
            default -> Output.SCORES;
        };
    }

    public int classes() {
        return model.outputShape().size();
    }

    /** Probabilities of every image, {@code [count, classes]} row-major, normalised as in training. */
    public float[] probabilities(ImageDataset data) {
        int count = data.count();
        int classes = classes();
        float[] probs = new float[count * classes];
        int batch = Math.min(Math.max(count, 1), Evaluator.BATCH);
        if (ws == null || ws.capacity() < batch) ws = new Workspace(model, batch);
        int[] indices = new int[batch];
        for (int start = 0; start < count; start += batch) {
            int n = Math.min(batch, count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            data.fillBatch(indices, 0, n, ws.input(), norm.mean(), norm.std());
            float[] out = ws.forward(ctx, n, false);
            for (int i = 0; i < n; i++) toProbabilities(out, i * classes, probs, (start + i) * classes, classes);
        }
        return probs;
    }

    private void toProbabilities(float[] out, int from, float[] probs, int to, int classes) {
        switch (output) {
            case PROBABILITIES -> System.arraycopy(out, from, probs, to, classes);
            case LOG_PROBABILITIES -> {
                for (int j = 0; j < classes; j++) probs[to + j] = (float) Math.exp(out[from + j]);
            }
            case SCORES -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < classes; j++) max = Math.max(max, out[from + j]);
                double sum = 0;
                for (int j = 0; j < classes; j++) sum += Math.exp(out[from + j] - max);
                for (int j = 0; j < classes; j++) probs[to + j] = (float) (Math.exp(out[from + j] - max) / sum);
            }
        }
    }

    /** Class indices of one row of {@code probs}, most probable first. */
    public static int[] ranking(float[] probs, int row, int classes) {
        Integer[] order = new Integer[classes];
        for (int j = 0; j < classes; j++) order[j] = j;
        Arrays.sort(order, (a, b) -> Float.compare(probs[row * classes + b], probs[row * classes + a]));
        int[] out = new int[classes];
        for (int j = 0; j < classes; j++) out[j] = order[j];
        return out;
    }
}
