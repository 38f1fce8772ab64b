package dev.fashion.nn;

import dev.fashion.kernels.ScalarKernels;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference checks of every layer's backward pass. The scalar objective L = Σ r·y (random r)
 * is accumulated in double, central differences use h = 1e-2 on float inputs, so the float rounding of
 * y contributes about 1e-5 relative error; linear pieces are exact up to that.
 */
class GradientCheckTest {
    private static final Scheduler SCHEDULER = new Scheduler(1);
    private static final Layer.Context CTX = new Layer.Context(new ParallelKernels(new ScalarKernels(), SCHEDULER), new Rng(1));
    private static final double H = 1e-2;

    @AfterAll
    static void close() {
        SCHEDULER.close();
    }

    /** Checks dL/dx and dL/dθ of {@code layer} at a random point; returns the largest relative error. */
    static void check(Layer layer, Shape in, int n, long seed, boolean avoidZero) {
        check(layer, in, n, seed, avoidZero, false);
    }

    /**
     * With {@code distinct}, the inputs are a shuffled ladder of values 0.1 apart, so a step of h never
     * changes which value is a window's maximum (max pooling).
     */
    static void check(Layer layer, Shape in, int n, long seed, boolean avoidZero, boolean distinct) {
        Shape out = layer.bind(in);
        Random random = new Random(seed);
        layer.initialize(new Rng(seed));
        float[] x = new float[n * in.size()];
        for (int i = 0; i < x.length; i++) {
            float v = (float) random.nextGaussian();
            // Keep ReLU inputs away from the kink so a step of h does not cross it.
            if (avoidZero && Math.abs(v) < 0.1f) v = v < 0 ? v - 0.1f : v + 0.1f;
            x[i] = v;
        }
        if (distinct) {
            for (int i = 0; i < x.length; i++) x[i] = 0.1f * (i - x.length / 2);
            for (int i = x.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                float t = x[i];
                x[i] = x[j];
                x[j] = t;
            }
        }
        float[] r = new float[n * out.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) random.nextGaussian();
        float[] y = new float[r.length];
        float[] scratch = new float[n * layer.scratchPerSample()];
        long rngState = 42;

        CTX.rng().setState(rngState);
        layer.forward(CTX, x, y, scratch, n, true);
        float[] dx = new float[x.length];
        layer.backward(CTX, x, y, r, dx, scratch, n);

        for (int i = 0; i < x.length; i++) {
            double numeric = numeric(layer, x, i, r, scratch, n, rngState, null);
            assertClose(numeric, dx[i], layer.name() + " dx[" + i + "]");
        }
        for (Parameter p : layer.parameters()) {
            float[] analytic = p.grad().clone();
            for (int i = 0; i < p.size(); i++) {
                double numeric = numeric(layer, x, i, r, scratch, n, rngState, p);
                assertClose(numeric, analytic[i], p.name() + " grad[" + i + "]");
            }
        }
    }

    private static double numeric(Layer layer, float[] x, int i, float[] r, float[] scratch, int n, long rngState, Parameter p) {
        float[] target = p == null ? x : p.data();
        float saved = target[i];
        target[i] = (float) (saved + H);
        double plus = objective(layer, x, r, scratch, n, rngState);
        target[i] = (float) (saved - H);
        double minus = objective(layer, x, r, scratch, n, rngState);
        target[i] = saved;
        return (plus - minus) / (2 * H);
    }

    private static double objective(Layer layer, float[] x, float[] r, float[] scratch, int n, long rngState) {
        float[] y = new float[r.length];
        CTX.rng().setState(rngState); // the same dropout mask on every evaluation
        layer.forward(CTX, x, y, scratch, n, true);
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += (double) r[i] * y[i];
        return sum;
    }

    private static void assertClose(double expected, float actual, String what) {
        double tol = 2e-3 * Math.max(1, Math.abs(expected));
        assertEquals(expected, actual, tol, what);
    }

    @Test
    void linear() {
        check(new Linear("fc", 0, 5, true), new Shape(7), 3, 1, false);
    }

    @Test
    void linearWithoutBiasOneRow() {
        Linear l = new Linear("fc", 4, 3, false);
        check(l, new Shape(4), 1, 2, false);
        assertEquals(1, l.parameters().size());
    }

    @Test
    void relu() {
        check(new Relu("relu"), new Shape(11), 4, 3, true);
    }

    @Test
    void logSoftmax() {
        check(new LogSoftmax("ls"), new Shape(10), 3, 4, false);
    }

    @Test
    void softmax() {
        check(new Softmax("sm"), new Shape(10), 3, 5, false);
    }

    @Test
    void dropout() {
        check(new Dropout("drop", 0.3f), new Shape(13), 3, 6, false);
    }

    @Test
    void flatten() {
        check(new Flatten("flat"), new Shape(2, 3, 4), 2, 7, false);
    }

    @Test
    void lossGradients() {
        for (Loss loss : Loss.values()) {
            int n = 3;
            int classes = 10;
            Random random = new Random(8);
            float[] out = new float[n * classes];
            for (int i = 0; i < out.length; i++) out[i] = (float) random.nextGaussian();
            if (loss == Loss.NLL) { // NLL takes log-probabilities: make real ones
                CTX.kernels().logSoftmax(out.clone(), out, n, classes);
            }
            int[] labels = {3, 0, 9};
            float[] rowLoss = new float[n];
            float[] grad = new float[out.length];
            loss.evaluate(out, labels, n, classes, rowLoss, grad);
            for (int i = 0; i < out.length; i++) {
                float saved = out[i];
                out[i] = (float) (saved + H);
                double plus = meanLoss(loss, out, labels, n, classes);
                out[i] = (float) (saved - H);
                double minus = meanLoss(loss, out, labels, n, classes);
                out[i] = saved;
                assertClose((plus - minus) / (2 * H), grad[i], loss + " grad[" + i + "]");
            }
        }
    }

    /** Label smoothing 0.1: each loss's gradient (for the logits too, under log_softmax + nll) by finite differences. */
    @Test
    void labelSmoothingGradients() {
        float e = 0.1f;
        int n = 3, classes = 10;
        int[] labels = {3, 0, 9};
        for (Loss loss : Loss.values()) {
            for (boolean forLogits : loss == Loss.NLL ? new boolean[] {false, true} : new boolean[] {false}) {
                Random random = new Random(9);
                float[] logits = new float[n * classes];
                for (int i = 0; i < logits.length; i++) logits[i] = (float) random.nextGaussian();
                float[] grad = new float[logits.length];
                evaluate(loss, logits, labels, n, classes, grad, forLogits, e);
                for (int i = 0; i < logits.length; i++) {
                    float saved = logits[i];
                    logits[i] = (float) (saved + H);
                    double plus = evaluate(loss, logits, labels, n, classes, null, forLogits, e);
                    logits[i] = (float) (saved - H);
                    double minus = evaluate(loss, logits, labels, n, classes, null, forLogits, e);
                    logits[i] = saved;
                    assertClose((plus - minus) / (2 * H), grad[i], loss + (forLogits ? " (logits)" : "") + " smoothed grad[" + i + "]");
                }
            }
        }
    }

    /** PyTorch's definition: (1 - e)·NLL + e·mean over classes of -log p; cross_entropy on logits equals log_softmax + nll. */
    @Test
    void labelSmoothingValueIsPyTorchs() {
        int classes = 4;
        float[] logits = {1f, -0.5f, 2f, 0.25f};
        double max = 2, sum = 0;
        for (float x : logits) sum += Math.exp(x - max);
        double[] nlp = new double[classes];
        for (int j = 0; j < classes; j++) nlp[j] = -(logits[j] - max - Math.log(sum));
        double want = 0.8 * nlp[1] + 0.2 * (nlp[0] + nlp[1] + nlp[2] + nlp[3]) / 4;
        float[] row = new float[1];
        Loss.CROSS_ENTROPY.evaluate(logits, new int[] {1}, 1, classes, row, null, false, null, 0.2f);
        assertEquals(want, row[0], 1e-6);
        float[] lp = new float[classes];
        for (int j = 0; j < classes; j++) lp[j] = (float) -nlp[j];
        Loss.NLL.evaluate(lp, new int[] {1}, 1, classes, row, null, false, null, 0.2f);
        assertEquals(want, row[0], 1e-6);
    }

    /** Mean loss of the logits (made log-probabilities first for nll); the gradient for the loss's input, or the logits. */
    private static double evaluate(Loss loss, float[] logits, int[] labels, int n, int classes, float[] grad,
                                   boolean forLogits, float e) {
        float[] in = logits;
        if (loss == Loss.NLL) {
            in = new float[logits.length];
            CTX.kernels().logSoftmax(logits, in, n, classes);
        }
        float[] rowLoss = new float[n];
        float[] g = grad == null ? null : new float[logits.length];
        loss.evaluate(in, labels, n, classes, rowLoss, g, forLogits, null, e);
        if (grad != null) {
            if (loss == Loss.NLL && !forLogits) CTX.kernels().logSoftmaxBackward(in, g, grad, n, classes);
            else System.arraycopy(g, 0, grad, 0, g.length);
        }
        double s = 0;
        for (float v : rowLoss) s += v;
        return s / n;
    }

    private static double meanLoss(Loss loss, float[] out, int[] labels, int n, int classes) {
        float[] rowLoss = new float[n];
        loss.evaluate(out, labels, n, classes, rowLoss, null);
        double s = 0;
        for (float v : rowLoss) s += v;
        return s / n;
    }

    @Test
    void dropoutIsIdentityAtEvaluation() {
        Dropout d = new Dropout("drop", 0.5f);
        d.bind(new Shape(4));
        float[] x = {1, -2, 3, 4};
        float[] y = new float[4];
        d.forward(CTX, x, y, new float[4], 1, false);
        assertTrue(java.util.Arrays.equals(x, y));
    }
}
