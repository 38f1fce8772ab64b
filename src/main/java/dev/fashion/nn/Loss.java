package dev.fashion.nn;

import dev.fashion.FashionException;
import dev.fashion.parallel.ParallelKernels;

import java.util.Locale;

/**
 * The training loss over the model's output rows. {@link #NLL} takes log-probabilities (the model ends
 * in log_softmax, as in the reference); {@link #CROSS_ENTROPY} takes raw scores and applies log-softmax
 * itself. Both are averaged over the batch, as PyTorch's default reduction does.
 */
public enum Loss {
    NLL("nll"),
    CROSS_ENTROPY("cross_entropy");

    private final String configName;

    Loss(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Loss parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Loss l : values()) if (l.configName.equals(n)) return l;
        throw new FashionException("loss: expected nll or cross_entropy, got '" + name + "'");
    }

    /**
     * Writes each row's loss into {@code rowLoss[i]} (not summed here, so the caller's sum has one fixed
     * order), writes d(mean loss)/d(output) into {@code grad} when it is not null, and returns how many
     * rows' largest output is the label.
     */
    public int evaluate(float[] output, int[] labels, int n, int classes, float[] rowLoss, float[] grad) {
        return evaluate(output, labels, n, classes, rowLoss, grad, false);
    }

    /**
     * As above; with {@code gradForLogits} the output is a log_softmax output and {@code grad} receives
     * the gradient with respect to that layer's input instead, (exp(output) - onehot) / n for NLL, which
     * spares the log_softmax backward pass.
     */
    public int evaluate(float[] output, int[] labels, int n, int classes, float[] rowLoss, float[] grad,
                        boolean gradForLogits) {
        return evaluate(output, labels, n, classes, rowLoss, grad, gradForLogits, null);
    }

    /**
     * As above; {@code kernels} (may be null) computes the exps of a logit gradient for the whole batch at
     * once, which is most of this method's time (Math.exp is ~20 ns; vector kernels do a batch of 2,560 in
     * about a microsecond).
     */
    public int evaluate(float[] output, int[] labels, int n, int classes, float[] rowLoss, float[] grad,
                        boolean gradForLogits, ParallelKernels kernels) {
        return evaluate(output, labels, n, classes, rowLoss, grad, gradForLogits, kernels, 0f);
    }

    /**
     * As above with PyTorch's label smoothing e: the target is 1 - e on the label plus e / classes on
     * every class, so a row's loss is (1 - e)·(-log p[label]) + (e / classes)·sum_j(-log p[j]) and the
     * gradient with respect to the logits p - target (over n). For nll the same on the given
     * log-probabilities (PyTorch's NLLLoss has no smoothing; this makes log_softmax + nll equal
     * cross_entropy on the logits, as without it).
     */
    public int evaluate(float[] output, int[] labels, int n, int classes, float[] rowLoss, float[] grad,
                        boolean gradForLogits, ParallelKernels kernels, float smoothing) {
        if (gradForLogits && this != NLL) throw new IllegalStateException("logit gradients need log_softmax + nll");
        int correct = 0;
        float invN = 1f / n;
        boolean smooth = smoothing != 0f;
        float onLabel = 1f - smoothing;
        float perClass = smoothing / classes;
        float onLabelN = onLabel * invN, perClassN = perClass * invN;
        boolean batchExp = grad != null && gradForLogits && kernels != null;
        if (batchExp) kernels.expScale(output, grad, invN, n * classes);
        for (int i = 0; i < n; i++) {
            int r = i * classes;
            int label = labels[i];
            int best = 0;
            float max = output[r];
            for (int j = 1; j < classes; j++) {
                if (output[r + j] > max) {
                    max = output[r + j];
                    best = j;
                }
            }
            if (best == label) correct++;
            if (this == NLL) {
                if (!smooth) {
                    rowLoss[i] = -output[r + label];
                } else {
                    float all = 0f;
                    for (int j = 0; j < classes; j++) all += output[r + j];
                    rowLoss[i] = -onLabel * output[r + label] - perClass * all;
                }
                if (grad != null && gradForLogits) {
                    if (!batchExp) {
                        for (int j = 0; j < classes; j++) grad[r + j] = (float) Math.exp(output[r + j]) * invN;
                    }
                    if (smooth) {
                        for (int j = 0; j < classes; j++) grad[r + j] -= perClassN;
                        grad[r + label] -= onLabelN;
                    } else {
                        grad[r + label] -= invN;
                    }
                } else if (grad != null) {
                    for (int j = 0; j < classes; j++) grad[r + j] = smooth ? -perClassN : 0f;
                    grad[r + label] = smooth ? -onLabelN - perClassN : -invN;
                }
            } else {
                double sum = 0;
                for (int j = 0; j < classes; j++) sum += Math.exp(output[r + j] - max);
                float logSum = (float) Math.log(sum);
                if (!smooth) {
                    rowLoss[i] = max + logSum - output[r + label];
                } else {
                    // -log p[j] = max + logSum - x[j]
                    float all = 0f;
                    for (int j = 0; j < classes; j++) all += max + logSum - output[r + j];
                    rowLoss[i] = onLabel * (max + logSum - output[r + label]) + perClass * all;
                }
                if (grad != null) {
                    for (int j = 0; j < classes; j++) {
                        float p = (float) Math.exp(output[r + j] - max - logSum);
                        grad[r + j] = smooth ? (p - perClass - (j == label ? onLabel : 0f)) * invN
                                : (p - (j == label ? 1f : 0f)) * invN;
                    }
                }
            }
        }
        return correct;
    }
}
