package dev.fashion.parallel;

import dev.fashion.kernels.KernelProvider;
import dev.fashion.kernels.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** However a call is split over threads (rows, columns, or not at all), C comes out bit for bit the same. */
class ParallelKernelsTest {

    private static final int[][] SHAPES = {
            {64, 784, 256}, {64, 256, 128}, {64, 128, 64}, {64, 64, 10}, {256, 784, 256}, {256, 64, 784},
            {96, 300, 70}, {33, 70, 65}, {1, 784, 256},
            // the tail at batch 256 and odd batches of 128+ rows: split by rows (see TAIL_ROWS)
            {256, 128, 64}, {256, 64, 10}, {130, 100, 30}, {201, 64, 10},
    };

    @Test
    void everyMatmulFormIsBitIdenticalOnOneAndTwoThreads() {
        Kernels kernels = KernelProvider.choose().kernels();
        try (Scheduler one = new Scheduler(1); Scheduler two = new Scheduler(2)) {
            ParallelKernels p1 = new ParallelKernels(kernels, one), p2 = new ParallelKernels(kernels, two);
            Random rnd = new Random(11);
            for (int[] s : SHAPES) {
                int m = s[0], k = s[1], n = s[2];
                float[] a = random(m * k, rnd), at = random(k * m, rnd), b = random(k * n, rnd);
                float[] bt = random(n * k, rnd), bias = random(n, rnd), mask = random(m * n, rnd);
                String at0 = kernels.name() + " " + m + "x" + k + "x" + n;
                for (int form = 0; form < 5; form++) {
                    float[] c1 = random(m * n, new Random(form)), c2 = c1.clone();
                    for (int t = 0; t < 2; t++) {
                        ParallelKernels p = t == 0 ? p1 : p2;
                        float[] c = t == 0 ? c1 : c2;
                        switch (form) {
                            case 0 -> p.matmul(a, b, c, m, k, n, true);
                            case 1 -> p.matmulTransA(at, b, c, m, k, n, false);
                            case 2 -> p.matmulTransB(a, bt, c, m, k, n, true);
                            case 3 -> p.linearForward(a, bt, bias, c, m, k, n, true);
                            default -> p.matmulReluMask(a, b, mask, c, m, k, n);
                        }
                    }
                    assertArrayEquals(c1, c2, at0 + " form " + form);
                }
            }
        }
    }

    @Test
    void rowWiseOpsAreBitIdenticalOnOneAndTwoThreads() {
        Kernels kernels = KernelProvider.choose().kernels();
        try (Scheduler one = new Scheduler(1); Scheduler two = new Scheduler(2)) {
            ParallelKernels p1 = new ParallelKernels(kernels, one), p2 = new ParallelKernels(kernels, two);
            Random rnd = new Random(12);
            for (int m : new int[]{64, 128, 201, 256}) {
                int n = 10;
                float[] x = random(m * n, rnd), dy = random(m * n, rnd);
                float[] y1 = new float[m * n], y2 = new float[m * n], d1 = new float[m * n], d2 = new float[m * n];
                p1.logSoftmax(x, y1, m, n);
                p2.logSoftmax(x, y2, m, n);
                assertArrayEquals(y1, y2, "log-softmax " + m + "x" + n);
                p1.logSoftmaxBackward(y1, dy, d1, m, n);
                p2.logSoftmaxBackward(y2, dy, d2, m, n);
                assertArrayEquals(d1, d2, "log-softmax backward " + m + "x" + n);
            }
        }
    }

    /**
     * dW and db in one split (rows of dW: 256 and 10x40 outputs), in columns (10x784) or inline: the bits
     * of the two calls.
     */
    @Test
    void linearGradientsMatchTheSeparateCallsOnOneAndTwoThreads() {
        Kernels kernels = KernelProvider.choose().kernels();
        try (Scheduler one = new Scheduler(1); Scheduler two = new Scheduler(2)) {
            Random rnd = new Random(13);
            for (int[] s : new int[][] {{64, 784, 256}, {256, 256, 128}, {256, 784, 10}, {1024, 40, 10}, {64, 64, 10}, {33, 70, 65}}) {
                int batch = s[0], in = s[1], out = s[2];
                float[] dy = random(batch * out, rnd), x = random(batch * in, rnd);
                float[] dwWant = new float[out * in], dbWant = new float[out];
                kernels.matmulTransA(dy, x, dwWant, out, batch, in, 0, out, 0, in, false);
                kernels.biasGradient(dy, dbWant, batch, out, 0, out, false);
                for (Scheduler sc : new Scheduler[] {one, two}) {
                    float[] dw = random(out * in, rnd), db = random(out, rnd);
                    new ParallelKernels(kernels, sc).linearGradients(dy, x, dw, db, batch, in, out);
                    String at = batch + "x" + in + "x" + out + " on " + sc.threads() + " threads";
                    assertArrayEquals(dwWant, dw, "dW " + at);
                    assertArrayEquals(dbWant, db, "db " + at);
                }
            }
        }
    }

    /** Adam over several tensors in one call: each tensor as a call of its own would leave it, on 1 or 2 threads. */
    @Test
    void adamOverManyTensorsMatchesOneTensorAtATime() {
        Kernels kernels = KernelProvider.choose().kernels();
        int[] sizes = {5, 640, 8192, 32771, 200704, 10};
        try (Scheduler one = new Scheduler(1); Scheduler two = new Scheduler(2)) {
            for (Scheduler sc : new Scheduler[] {one, two}) {
                Random rnd = new Random(14);
                int t = sizes.length;
                float[][] p = new float[t][], g = new float[t][], m = new float[t][], v = new float[t][];
                float[][][] want = new float[3][t][];
                for (int i = 0; i < t; i++) {
                    p[i] = random(sizes[i], rnd);
                    g[i] = random(sizes[i], rnd);
                    m[i] = random(sizes[i], rnd);
                    v[i] = random(sizes[i], rnd);
                    for (int j = 0; j < sizes[i]; j++) v[i][j] = Math.abs(v[i][j]);
                    want[0][i] = p[i].clone();
                    want[1][i] = m[i].clone();
                    want[2][i] = v[i].clone();
                    kernels.adam(want[0][i], g[i], want[1][i], want[2][i], 0, sizes[i], 1e-3f, 0.9f, 0.999f, 1e-8f,
                            0.01f, 0.19f, 0.002f);
                }
                new ParallelKernels(kernels, sc).adam(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0.19f, 0.002f);
                for (int i = 0; i < t; i++) {
                    String at = "tensor of " + sizes[i] + " on " + sc.threads() + " threads";
                    assertArrayEquals(want[0][i], p[i], "param " + at);
                    assertArrayEquals(want[1][i], m[i], "m " + at);
                    assertArrayEquals(want[2][i], v[i], "v " + at);
                }
            }
        }
    }

    /** AdamW with a decay per tensor (0: exempt) in one call: as each tensor on its own, on 1 or 2 threads. */
    @Test
    void adamwOverManyTensorsWithPerTensorDecay() {
        Kernels kernels = KernelProvider.choose().kernels();
        int[] sizes = {5, 640, 8192, 32771, 200704, 10};
        float[] decay = {0f, 0.05f, 0.05f, 0f, 0.05f, 0.01f};
        float lr = 2e-3f;
        for (boolean decoupled : new boolean[] {true, false}) {
            try (Scheduler one = new Scheduler(1); Scheduler two = new Scheduler(2)) {
                for (Scheduler sc : new Scheduler[] {one, two}) {
                    Random rnd = new Random(15);
                    int t = sizes.length;
                    float[][] p = new float[t][], g = new float[t][], m = new float[t][], v = new float[t][];
                    float[][][] want = new float[3][t][];
                    for (int i = 0; i < t; i++) {
                        p[i] = random(sizes[i], rnd);
                        g[i] = random(sizes[i], rnd);
                        m[i] = random(sizes[i], rnd);
                        v[i] = random(sizes[i], rnd);
                        for (int j = 0; j < sizes[i]; j++) v[i][j] = Math.abs(v[i][j]);
                        want[0][i] = p[i].clone();
                        want[1][i] = m[i].clone();
                        want[2][i] = v[i].clone();
                        if (decoupled) {
                            kernels.adamw(want[0][i], g[i], want[1][i], want[2][i], 0, sizes[i], lr, 0.9f, 0.999f, 1e-8f,
                                    (float) (1.0 - (double) lr * decay[i]), 0.19f, 0.002f);
                        } else {
                            kernels.adam(want[0][i], g[i], want[1][i], want[2][i], 0, sizes[i], lr, 0.9f, 0.999f, 1e-8f,
                                    decay[i], 0.19f, 0.002f);
                        }
                    }
                    new ParallelKernels(kernels, sc).adam(p, g, m, v, lr, 0.9f, 0.999f, 1e-8f, 0f, decay, decoupled,
                            0.19f, 0.002f);
                    for (int i = 0; i < t; i++) {
                        String at = (decoupled ? "adamw" : "adam") + " tensor of " + sizes[i] + " on " + sc.threads() + " threads";
                        assertArrayEquals(want[0][i], p[i], "param " + at);
                        assertArrayEquals(want[1][i], m[i], "m " + at);
                        assertArrayEquals(want[2][i], v[i], "v " + at);
                    }
                }
            }
        }
    }

    private static float[] random(int size, Random rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
