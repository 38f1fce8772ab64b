package dev.fashion.kernels;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The fused kernels give exactly the bits of the passes they replace, on awkward shapes and blocks. */
class FusedKernelsTest {
    private static final int[] SIZES = {1, 3, 15, 16, 17, 31, 33, 64, 785};

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void linearForwardMatchesMatmulBiasRelu() {
        Random r = new Random(1);
        for (Kernels k : List.of(new ScalarKernels(), KernelProvider.choose().kernels())) {
            for (int m : new int[]{1, 17, 64}) {
                for (int kk : SIZES) {
                    for (int n : new int[]{1, 10, 33, 256}) {
                        float[] a = random(r, m * kk), b = random(r, n * kk), bias = random(r, n);
                        for (boolean relu : new boolean[]{false, true}) {
                            for (float[] bb : new float[][]{bias, null}) {
                                float[] want = new float[m * n];
                                k.matmulTransB(a, b, want, m, kk, n, 0, m, 0, n, false);
                                if (bb != null) k.addBias(want, bb, n, 0, m);
                                if (relu) k.relu(want, want, 0, m * n);
                                float[] got = new float[m * n];
                                int jm = n / 2;
                                k.linearForward(a, b, bb, got, m, kk, n, 0, m, 0, jm, relu);
                                k.linearForward(a, b, bb, got, m, kk, n, 0, m, jm, n, relu);
                                assertArrayEquals(want, got, k.name() + " " + m + "x" + kk + "x" + n + " relu=" + relu);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void maskedMatmulMatchesMatmulThenReluBackward() {
        Random r = new Random(2);
        for (Kernels k : List.of(new ScalarKernels(), KernelProvider.choose().kernels())) {
            for (int m : new int[]{1, 17, 64}) {
                for (int kk : new int[]{1, 10, 33, 128}) {
                    for (int n : SIZES) {
                        float[] a = random(r, m * kk), b = random(r, kk * n), mask = random(r, m * n);
                        float[] want = new float[m * n];
                        k.matmul(a, b, want, m, kk, n, 0, m, 0, n, false);
                        k.reluBackward(mask, want, want, 0, m * n);
                        float[] got = new float[m * n];
                        int im = m / 2;
                        k.matmulReluMask(a, b, mask, got, m, kk, n, 0, im, 0, n);
                        k.matmulReluMask(a, b, mask, got, m, kk, n, im, m, 0, n);
                        assertArrayEquals(want, got, k.name() + " " + m + "x" + kk + "x" + n);
                    }
                }
            }
        }
    }
}
