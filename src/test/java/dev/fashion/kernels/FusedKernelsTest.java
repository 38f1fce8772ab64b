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
            // m = 64 with n = 256 or 10 computes C transposed in the vector kernels (bias then runs along
            // the tile rows); 1, 7 and 65 rows leave partial tiles of every register tile shape.
            for (int m : new int[]{1, 7, 17, 64, 65}) {
                for (int kk : new int[]{0, 1, 3, 16, 33, 64, 785}) {
                    for (int n : new int[]{1, 10, 33, 256}) {
                        float[] a = random(r, m * kk), b = random(r, n * kk), bias = random(r, n);
                        for (boolean relu : new boolean[]{false, true}) {
                            for (float[] bb : new float[][]{bias, null}) {
                                float[] want = new float[m * n];
                                k.matmulTransB(a, b, want, m, kk, n, 0, m, 0, n, false);
                                if (bb != null) k.addBias(want, bb, n, 0, m);
                                if (relu) k.relu(want, want, 0, m * n);
                                String what = k.name() + " " + m + "x" + kk + "x" + n + " relu=" + relu + " bias=" + (bb != null);
                                // Whole, split by columns, split by rows: the bits must not depend on the block.
                                float[] got = nan(m * n);
                                k.linearForward(a, b, bb, got, m, kk, n, 0, m, 0, n, relu);
                                assertArrayEquals(want, got, what);
                                got = nan(m * n);
                                int jm = n / 2, im = m / 2;
                                k.linearForward(a, b, bb, got, m, kk, n, 0, m, 0, jm, relu);
                                k.linearForward(a, b, bb, got, m, kk, n, 0, m, jm, n, relu);
                                assertArrayEquals(want, got, what + " column blocks");
                                got = nan(m * n);
                                k.linearForward(a, b, bb, got, m, kk, n, 0, im, 0, n, relu);
                                k.linearForward(a, b, bb, got, m, kk, n, im, m, 0, n, relu);
                                assertArrayEquals(want, got, what + " row blocks");
                            }
                        }
                    }
                }
            }
        }
    }

    /** NaN everywhere: a kernel that skips an element of its block fails the comparison. */
    private static float[] nan(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, Float.NaN);
        return x;
    }

    @Test
    void maskedMatmulMatchesMatmulThenReluBackward() {
        Random r = new Random(2);
        for (Kernels k : List.of(new ScalarKernels(), KernelProvider.choose().kernels())) {
            for (int m : new int[]{1, 7, 17, 64, 65}) {
                for (int kk : new int[]{0, 1, 10, 33, 128}) {
                    for (int n : SIZES) {
                        float[] a = random(r, m * kk), b = random(r, kk * n), mask = random(r, m * n);
                        // A ReLU output has exact zeros (and may have -0.0): neither passes the gradient.
                        for (int i = 0; i < mask.length; i += 5) mask[i] = i % 2 == 0 ? 0f : -0f;
                        float[] want = new float[m * n];
                        k.matmul(a, b, want, m, kk, n, 0, m, 0, n, false);
                        k.reluBackward(mask, want, want, 0, m * n);
                        String what = k.name() + " " + m + "x" + kk + "x" + n;
                        float[] got = nan(m * n);
                        k.matmulReluMask(a, b, mask, got, m, kk, n, 0, m, 0, n);
                        assertArrayEquals(want, got, what);
                        got = nan(m * n);
                        int im = m / 2, jm = n / 2;
                        k.matmulReluMask(a, b, mask, got, m, kk, n, 0, im, 0, n);
                        k.matmulReluMask(a, b, mask, got, m, kk, n, im, m, 0, n);
                        assertArrayEquals(want, got, what + " row blocks");
                        got = nan(m * n);
                        k.matmulReluMask(a, b, mask, got, m, kk, n, 0, m, 0, jm);
                        k.matmulReluMask(a, b, mask, got, m, kk, n, 0, m, jm, n);
                        assertArrayEquals(want, got, what + " column blocks");
                    }
                }
            }
        }
    }
}
