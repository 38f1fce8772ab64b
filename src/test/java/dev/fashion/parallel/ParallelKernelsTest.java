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

    private static float[] random(int size, Random rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
