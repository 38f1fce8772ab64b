package dev.fashion.kernels;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector convolution kernels against the scalar baseline, to the bit, and against a direct
 * double-precision oracle, on awkward shapes: odd channel counts, one-image batches, padding on every
 * edge, stride 2, positions not a multiple of 16 (the per-channel sums' partials) or under 16.
 */
class ConvKernelsTest {
    private static final ConvKernels SCALAR = new ScalarConvKernels();
    private static ConvKernels vector;

    @BeforeAll
    static void load() {
        vector = KernelProvider.convKernels(KernelProvider.choose("vector").kernels());
        assertEquals("vector", vector.name());
    }

    /** c, h, w, kh, kw, sh, sw, ph, pw, images. */
    static Stream<int[]> shapes() {
        return Stream.of(
                new int[] {1, 28, 28, 3, 3, 1, 1, 1, 1, 2},
                new int[] {3, 7, 5, 3, 3, 1, 1, 1, 1, 1},
                new int[] {5, 9, 11, 3, 2, 2, 2, 1, 1, 3},
                new int[] {2, 6, 6, 5, 5, 1, 1, 2, 2, 2},
                new int[] {7, 5, 4, 2, 3, 2, 1, 0, 2, 1},
                new int[] {3, 13, 17, 4, 4, 3, 2, 3, 1, 2},
                new int[] {33, 14, 14, 3, 3, 1, 1, 1, 1, 2},
                new int[] {4, 6, 9, 2, 3, 1, 1, 0, 1, 3});
    }

    /** The stride-1 shapes, which the direct form takes. */
    static Stream<int[]> directShapes() {
        return shapes().filter(s -> s[5] == 1 && s[6] == 1);
    }

    /** Stride 1 with outputs as wide as the input, which the shifted-planes form takes; more awkward ones. */
    static Stream<int[]> shiftedShapes() {
        return Stream.concat(shapes(), Stream.of(
                new int[] {2, 4, 8, 1, 3, 1, 1, 0, 1, 3},
                new int[] {2, 4, 8, 1, 3, 1, 1, 0, 1, 1},
                new int[] {1, 5, 16, 5, 1, 1, 1, 2, 0, 2},
                new int[] {3, 4, 4, 3, 1, 1, 1, 0, 0, 2}))
                .filter(s -> new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]).shifted());
    }

    /** The shifted shapes whose images have whole blocks of 16 positions, which rowDotsRows needs. */
    static Stream<int[]> shiftedBlockShapes() {
        return shiftedShapes().filter(s -> new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8])
                .positions() % ConvKernels.LANES == 0);
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void im2colAndCol2imMatchTheDirectFormulaAndEachOther(int[] s) {
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        int n = s[9], p = g.positions(), cols = n * p;
        float[] x = random(n * g.inSize(), 1);
        float[] col = new float[g.patch() * cols];
        java.util.Arrays.fill(col, Float.NaN); // every entry must be written
        SCALAR.im2col(x, col, g, 0, cols, 0, n);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < g.c(); c++) {
                for (int u = 0; u < g.kh(); u++) {
                    for (int v = 0; v < g.kw(); v++) {
                        for (int oy = 0; oy < g.oh(); oy++) {
                            for (int ox = 0; ox < g.ow(); ox++) {
                                int iy = oy * g.sh() - g.ph() + u, ix = ox * g.sw() - g.pw() + v;
                                float want = iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w() ? 0f
                                        : x[((i * g.c() + c) * g.h() + iy) * g.w() + ix];
                                assertEquals(want, col[((c * g.kh() + u) * g.kw() + v) * cols + i * p + oy * g.ow() + ox], 0f);
                            }
                        }
                    }
                }
            }
        }
        float[] colV = new float[col.length];
        vector.im2col(x, colV, g, 0, cols, 0, n);
        assertArrayEquals(col, colV);

        // col2im is im2col's adjoint: <im2col(x), d> = <x, col2im(d)>, and vector = scalar to the bit.
        float[] d = random(col.length, 2);
        float[] dx = new float[x.length], dxV = new float[x.length];
        java.util.Arrays.fill(dx, Float.NaN);
        SCALAR.col2im(d, dx, g, 0, cols, 0, n);
        vector.col2im(d, dxV, g, 0, cols, 0, n);
        assertArrayEquals(dx, dxV);
        double lhs = 0, rhs = 0;
        for (int i = 0; i < col.length; i++) lhs += (double) col[i] * d[i];
        for (int i = 0; i < x.length; i++) rhs += (double) x[i] * dx[i];
        assertEquals(lhs, rhs, 1e-3 * Math.max(1, Math.abs(lhs)));

        // Split by images (as the scheduler does): the same columns.
        float[] split = new float[col.length];
        SCALAR.im2col(x, split, g, 0, cols, 0, n / 2);
        vector.im2col(x, split, g, 0, cols, n / 2, n);
        assertArrayEquals(col, split);
    }

    /**
     * The direct forward (padded planes, Kernels#matmulRows, fromPaddedRows) gives im2col + matmul +
     * fromChannelMajor's bits, with and without bias, on both kernels, image by image, and writes only
     * its own image of the output.
     */
    @ParameterizedTest
    @MethodSource("directShapes")
    void directForwardIsIm2colForwardToTheBit(int[] s) {
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        int n = s[9], p = g.positions(), cols = n * p, out = 5;
        float[] x = random(n * g.inSize(), 3), w = random(out * g.patch(), 4), bias = random(out, 5);
        Kernels scalarK = new ScalarKernels(), vectorK = KernelProvider.choose("vector").kernels();
        for (float[] b : new float[][] {null, bias}) {
            float[] col = new float[g.patch() * cols], t = new float[out * cols], want = new float[n * out * p];
            SCALAR.im2col(x, col, g, 0, cols, 0, n);
            scalarK.matmul(w, col, t, out, g.patch(), cols, 0, out, 0, cols, false);
            SCALAR.fromChannelMajor(t, want, b, out, p, 0, cols, 0, n);
            int width = g.directColumns();
            int[] taps = g.tapOffsets();
            for (Object[] pair : new Object[][] {{scalarK, SCALAR}, {vectorK, vector}}) {
                Kernels k = (Kernels) pair[0];
                ConvKernels conv = (ConvKernels) pair[1];
                float[] planes = new float[g.paddedSize() + g.kw() - 1 + Kernels.ROWS_SLACK];
                float[] rows = new float[out * width + Kernels.ROWS_SLACK];
                float[] y = new float[want.length];
                java.util.Arrays.fill(y, Float.NaN);
                for (int i = n - 1; i >= 0; i--) { // last image first: each call must stay inside its image
                    java.util.Arrays.fill(planes, Float.NaN); // padImage must write every padded value
                    java.util.Arrays.fill(planes, g.paddedSize(), planes.length, 0f);
                    conv.padImage(x, i, g, planes);
                    k.matmulRows(w, planes, taps, rows, 0, out, width, width);
                    conv.fromPaddedRows(rows, width, y, b, out, g, i);
                    assertWrittenFrom(y, i * out * p, conv.name() + ": image " + i);
                }
                assertSameBits(want, y, conv.name() + (b == null ? "" : " with bias"));
            }
        }
    }

    /**
     * The direct weight gradient (padded planes, dy at the padded width, dWᵀ += taps' rows · dy rowsᵀ
     * image by image) gives the lowering's dW (im2col, dY channel-major, matmulTransB over the group's
     * columns) to the bit, transposed, on both kernels; toPaddedRows zeroes the padding columns.
     */
    @ParameterizedTest
    @MethodSource("directShapes")
    void directWeightGradientIsTheLoweringsToTheBit(int[] s) {
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        int n = s[9], p = g.positions(), cols = n * p, out = 5, patch = g.patch();
        float[] x = random(n * g.inSize(), 6), dy = random(n * out * p, 7);
        Kernels scalarK = new ScalarKernels(), vectorK = KernelProvider.choose("vector").kernels();
        float[] col = new float[patch * cols], t = new float[out * cols], want = new float[out * patch];
        SCALAR.im2col(x, col, g, 0, cols, 0, n);
        SCALAR.toChannelMajor(dy, t, out, p, 0, cols, 0, n);
        scalarK.matmulTransB(t, col, want, out, cols, patch, 0, out, 0, patch, false);
        int width = g.directColumns();
        int[] taps = g.tapOffsets();
        for (Object[] pair : new Object[][] {{scalarK, SCALAR}, {vectorK, vector}}) {
            Kernels k = (Kernels) pair[0];
            ConvKernels conv = (ConvKernels) pair[1];
            float[] planes = new float[g.paddedSize() + g.kw() - 1], rows = new float[out * width];
            java.util.Arrays.fill(rows, Float.NaN); // toPaddedRows must write the padding columns too
            float[] dwT = new float[patch * out];
            for (int i = 0; i < n; i++) {
                conv.padImage(x, i, g, planes);
                conv.toPaddedRows(dy, i, out, g, rows);
                for (float v : rows) assertEquals(false, Float.isNaN(v), "toPaddedRows left a value unwritten");
                k.matmulGatheredTransB(planes, taps, rows, dwT, patch, width, out, i > 0);
            }
            for (int o = 0; o < out; o++) {
                for (int q = 0; q < patch; q++) {
                    assertEquals(Float.floatToRawIntBits(want[o * patch + q]), Float.floatToRawIntBits(dwT[q * out + o]),
                            conv.name() + ": dW[" + o + ", " + q + "]");
                }
            }
        }
    }

    /**
     * Every tap's run in an image's shifted planes is that image's row of im2col's column matrix, on both
     * kernels; the planes are written in full and nothing past them.
     */
    @ParameterizedTest
    @MethodSource("shiftedShapes")
    void shiftedPlanesHoldIm2colsRows(int[] s) {
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        int n = s[9], p = g.positions();
        float[] x = random(n * g.inSize(), 8);
        int[] offsets = g.shiftedOffsets();
        for (ConvKernels conv : new ConvKernels[] {SCALAR, vector}) {
            for (int i = 0; i < n; i++) {
                float[] col = new float[g.patch() * p];
                SCALAR.im2col(x, col, g, i, p, i, i + 1);
                float[] planes = new float[g.shiftedSize() + 3];
                java.util.Arrays.fill(planes, Float.NaN);
                conv.shiftedPlanes(x, i, g, planes);
                for (int j = 0; j < g.shiftedSize(); j++) assertFalse(Float.isNaN(planes[j]), conv.name() + ": unwritten at " + j);
                for (int j = g.shiftedSize(); j < planes.length; j++) assertTrue(Float.isNaN(planes[j]), conv.name() + ": wrote past the planes");
                for (int r = 0; r < g.patch(); r++) {
                    for (int q = 0; q < p; q++) {
                        assertEquals(col[r * p + q], planes[offsets[r] + q], conv.name() + ": image " + i + " row " + r + " column " + q);
                    }
                }
            }
        }
    }

    /**
     * The shifted-planes forward (Kernels#matmulRows over the planes, the bias as an FMA with a row of
     * ones, written in place into NCHW) gives im2col + matmul + fromChannelMajor's bits, with and without
     * bias, on both kernels, and each image's call writes only that image.
     */
    @ParameterizedTest
    @MethodSource("shiftedShapes")
    void shiftedForwardIsIm2colForwardToTheBit(int[] s) {
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        int n = s[9], p = g.positions(), cols = n * p, out = 5, patch = g.patch();
        float[] x = random(n * g.inSize(), 9), w = random(out * patch, 10), bias = random(out, 11);
        Kernels scalarK = new ScalarKernels(), vectorK = KernelProvider.choose("vector").kernels();
        for (float[] b : new float[][] {null, bias}) {
            float[] col = new float[patch * cols], t = new float[out * cols], want = new float[n * out * p];
            SCALAR.im2col(x, col, g, 0, cols, 0, n);
            scalarK.matmul(w, col, t, out, patch, cols, 0, out, 0, cols, false);
            SCALAR.fromChannelMajor(t, want, b, out, p, 0, cols, 0, n);
            float[] fused = w;
            if (b != null) {
                fused = new float[out * (patch + 1)];
                for (int o = 0; o < out; o++) {
                    System.arraycopy(w, o * patch, fused, o * (patch + 1), patch);
                    fused[o * (patch + 1) + patch] = b[o];
                }
            }
            int[] rows = dev.fashion.nn.Conv2d.shiftedRows(g, b != null);
            for (Object[] pair : new Object[][] {{scalarK, SCALAR}, {vectorK, vector}}) {
                Kernels k = (Kernels) pair[0];
                ConvKernels conv = (ConvKernels) pair[1];
                float[] planes = new float[dev.fashion.nn.Conv2d.shiftedBuffer(g)];
                java.util.Arrays.fill(planes, g.shiftedSize(), g.shiftedSize() + p, 1f);
                float[] y = new float[want.length];
                java.util.Arrays.fill(y, Float.NaN);
                for (int i = n - 1; i >= 0; i--) { // last image first: each call must stay inside its image
                    conv.shiftedPlanes(x, i, g, planes);
                    k.matmulRows(fused, planes, rows, y, i * out * p, out, p, p);
                    assertWrittenFrom(y, i * out * p, conv.name() + ": image " + i);
                }
                assertSameBits(want, y, conv.name() + (b == null ? "" : " with bias"));
            }
        }
    }

    /**
     * The shifted-planes weight gradient (rowDotsRows image by image, dY read in NCHW, then finishDots)
     * is rowDots over the group's channel-major dY and im2col columns, to the bit, on both kernels.
     */
    @ParameterizedTest
    @MethodSource("shiftedBlockShapes")
    void shiftedWeightGradientIsRowDotsToTheBit(int[] s) {
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
        int n = s[9], p = g.positions(), cols = n * p, out = 5, patch = g.patch();
        float[] x = random(n * g.inSize(), 12), dy = random(n * out * p, 13);
        float[] col = new float[patch * cols], t = new float[out * cols], want = new float[out * patch];
        SCALAR.im2col(x, col, g, 0, cols, 0, n);
        SCALAR.toChannelMajor(dy, t, out, p, 0, cols, 0, n);
        SCALAR.rowDots(t, col, want, out, patch, cols);
        int[] offsets = g.shiftedOffsets();
        for (ConvKernels conv : new ConvKernels[] {SCALAR, vector}) {
            float[] planes = new float[g.shiftedSize()], acc = new float[out * patch * ConvKernels.LANES];
            java.util.Arrays.fill(acc, Float.NaN); // the first image must start the partials from zero
            float[] dw = new float[out * patch];
            for (int i = 0; i < n; i++) {
                conv.shiftedPlanes(x, i, g, planes);
                conv.rowDotsRows(dy, i * out * p, planes, offsets, acc, out, patch, p, i == 0);
            }
            conv.finishDots(acc, dw, out, patch);
            for (int j = 0; j < dw.length; j++) {
                assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(dw[j]), conv.name() + ": dW at " + j);
            }
        }
    }

    @Test
    void rowDotsRowsRefusesATailOfProducts() {
        for (ConvKernels conv : new ConvKernels[] {SCALAR, vector}) {
            assertThrows(IllegalArgumentException.class, () -> conv.rowDotsRows(new float[40], 0, new float[40],
                    new int[] {0}, new float[16], 1, 1, 20, true), conv.name());
        }
    }

    /**
     * The branch-free 2x2 pool against the general comparisons on every window of special values: signed
     * zeros (equal, so the first wins), infinities, subnormals, NaNs of both signs (NaN wins).
     */
    @Test
    void maxPool2x2MatchesTheGeneralSearchOnSpecialValues() {
        float[] special = {Float.NEGATIVE_INFINITY, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1f,
                Float.POSITIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00000)};
        int k = special.length, windows = k * k * k * k;
        ConvShape two = new ConvShape(1, 2, 2, 2, 2, 2, 2, 0, 0);
        float[] x = new float[4 * windows], y = new float[windows], arg = new float[windows];
        for (int i = 0; i < windows; i++) {
            x[4 * i] = special[i % k];
            x[4 * i + 1] = special[i / k % k];
            x[4 * i + 2] = special[i / (k * k) % k];
            x[4 * i + 3] = special[i / (k * k * k)];
        }
        SCALAR.maxPool(x, y, arg, two, 0, windows);
        float[] y2 = new float[windows], arg2 = new float[windows];
        vector.maxPool(x, y2, arg2, two, 0, windows);
        assertArrayEquals(arg, arg2);
        for (int i = 0; i < windows; i++) assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(y2[i]));
        for (int i = 0; i < windows; i++) {
            int best = 0;
            float max = x[4 * i];
            for (int j = 1; j < 4; j++) {
                float v = x[4 * i + j];
                if (v > max || Float.isNaN(v) && !Float.isNaN(max)) {
                    max = v;
                    best = j;
                }
            }
            assertEquals(best, (int) arg[i], "window " + i);
            assertEquals(Float.floatToRawIntBits(max), Float.floatToRawIntBits(y[i]), "window " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void poolingVectorEqualsScalar(int[] s) {
        if (s[3] > s[1] || s[4] > s[2]) return;
        ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], 0, 0);
        int n = s[9], planes = n * g.c(), out = planes * g.positions();
        float[] x = random(planes * g.h() * g.w(), 3);
        float[] y1 = new float[out], y2 = new float[out], a1 = new float[out], a2 = new float[out];
        SCALAR.maxPool(x, y1, a1, g, 0, planes);
        vector.maxPool(x, y2, a2, g, 0, planes);
        assertArrayEquals(y1, y2);
        assertArrayEquals(a1, a2);
        for (int q = 0; q < out; q++) assertEquals(y1[q], x[q / g.positions() * g.h() * g.w() + (int) a1[q]], 0f);
        if (g.h() >= 2 && g.w() >= 2) {
            // The unrolled 2x2 stride-2 pool against a direct search (the first maximum in window order).
            ConvShape two = new ConvShape(g.c(), g.h(), g.w(), 2, 2, 2, 2, 0, 0);
            float[] fast = new float[planes * two.positions()], fa = new float[fast.length];
            x[1] = x[0]; // a tie: the first in window order wins
            SCALAR.maxPool(x, fast, fa, two, 0, planes);
            // The vector pool stores whole vectors ahead of its last outputs: split the planes and run the
            // later half first, so a store past its own range would show.
            float[] fast2 = new float[fast.length], fa2 = new float[fast.length];
            vector.maxPool(x, fast2, fa2, two, planes / 2, planes);
            vector.maxPool(x, fast2, fa2, two, 0, planes / 2);
            assertArrayEquals(fast, fast2);
            assertArrayEquals(fa, fa2);
            for (int pl = 0; pl < planes; pl++) {
                for (int q = 0; q < two.positions(); q++) {
                    int oy = q / two.ow(), ox = q % two.ow(), best = 2 * oy * g.w() + 2 * ox;
                    for (int u = 0; u < 2; u++) {
                        for (int v = 0; v < 2; v++) {
                            int at = (2 * oy + u) * g.w() + 2 * ox + v;
                            if (x[pl * g.h() * g.w() + at] > x[pl * g.h() * g.w() + best]) best = at;
                        }
                    }
                    assertEquals(best, (int) fa[pl * two.positions() + q], "argmax of plane " + pl + ", output " + q);
                    assertEquals(x[pl * g.h() * g.w() + best], fast[pl * two.positions() + q], 0f);
                }
            }
        }
        float[] dy = random(out, 4), dx1 = new float[x.length], dx2 = new float[x.length];
        SCALAR.maxPoolBackward(dy, a1, dx1, g, 0, planes);
        vector.maxPoolBackward(dy, a2, dx2, g, 0, planes);
        assertArrayEquals(dx1, dx2);
        SCALAR.avgPool(x, y1, g, 0, planes);
        vector.avgPool(x, y2, g, 0, planes);
        assertArrayEquals(y1, y2);
        SCALAR.avgPoolBackward(dy, dx1, g, 0, planes);
        vector.avgPoolBackward(dy, dx2, g, 0, planes);
        assertArrayEquals(dx1, dx2);
    }

    /** Positions per channel: under 16 (features), 16, and not multiples of 16 (49, 196 of the reference CNN). */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 9, 15, 16, 17, 31, 49, 196, 784})
    void batchNormKernelsVectorEqualsScalar(int p) {
        checkBatchNormKernels(p > 100 ? 3 : 5, 5, p);
    }

    /** Batch norm over the features of [N, F] (p = 1), where the vectors run across features: widths around 16, 1-row batches. */
    @ParameterizedTest
    @ValueSource(ints = {1, 15, 16, 17, 33, 256, 515})
    void featureBatchNormVectorEqualsScalar(int features) {
        for (int n : new int[] {1, 2, 7, 128}) checkBatchNormKernels(n, features, 1);
    }

    private void checkBatchNormKernels(int n, int channels, int p) {
        float[] x = random(n * channels * p, 5), dy = random(x.length, 6);
        float[] mean = new float[channels], mean2 = new float[channels];
        SCALAR.channelSums(x, mean, n, channels, p, 0, channels);
        vector.channelSums(x, mean2, n, channels, p, 0, channels);
        assertArrayEquals(mean, mean2);
        for (int c = 0; c < channels; c++) {
            double ref = 0;
            for (int i = 0; i < n; i++) for (int q = 0; q < p; q++) ref += x[(i * channels + c) * p + q];
            assertEquals(ref, mean[c], 1e-4 * n * p);
            mean[c] /= n * p;
        }
        float[] var = new float[channels], var2 = new float[channels];
        SCALAR.channelSquaredDeviations(x, mean, var, n, channels, p, 0, channels);
        vector.channelSquaredDeviations(x, mean, var2, n, channels, p, 1, channels); // a channel split
        vector.channelSquaredDeviations(x, mean, var2, n, channels, p, 0, 1);
        assertArrayEquals(var, var2);
        float[] invstd = new float[channels], scale = new float[channels], shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            invstd[c] = (float) (1 / Math.sqrt(var[c] / (n * p) + 1e-5));
            scale[c] = 0.5f + c;
            shift[c] = 0.25f - c;
        }
        for (boolean relu : new boolean[] {false, true}) {
            float[] y1 = new float[x.length], y2 = new float[x.length];
            SCALAR.batchNorm(x, y1, mean, scale, shift, relu, n, channels, p, 0, channels);
            int h = channels / 3; // a channel split, as the scheduler makes
            vector.batchNorm(x, y2, mean, scale, shift, relu, n, channels, p, 0, h);
            vector.batchNorm(x, y2, mean, scale, shift, relu, n, channels, p, h, channels);
            assertArrayEquals(y1, y2);
            float[] mask = relu ? y1 : null;
            float[] g1 = new float[channels], g2 = new float[channels], gx1 = new float[channels], gx2 = new float[channels];
            SCALAR.batchNormSums(x, mask, dy, mean, invstd, g1, gx1, n, channels, p, 0, channels);
            vector.batchNormSums(x, mask, dy, mean, invstd, g2, gx2, n, channels, p, 0, channels);
            assertArrayEquals(g1, g2);
            assertArrayEquals(gx1, gx2);
            float[] a = new float[channels], b = new float[channels];
            for (int c = 0; c < channels; c++) {
                a[c] = g1[c] / (n * p);
                b[c] = gx1[c] / (n * p);
            }
            float[] dx1 = new float[x.length], dx2 = new float[x.length];
            SCALAR.batchNormBackward(x, mask, dy, dx1, mean, invstd, a, b, scale, n, channels, p, 0, channels);
            vector.batchNormBackward(x, mask, dy, dx2, mean, invstd, a, b, scale, n, channels, p, h, channels);
            vector.batchNormBackward(x, mask, dy, dx2, mean, invstd, a, b, scale, n, channels, p, 0, h);
            assertArrayEquals(dx1, dx2);
        }
        // The ReLU mask's edge values: only a positive number (subnormal or infinite too) passes dy.
        float[] special = {Float.NaN, Float.intBitsToFloat(0xffc00000), -0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f, Float.intBitsToFloat(0x7f800001)};
        float[] mask = new float[x.length];
        for (int i = 0; i < mask.length; i++) mask[i] = special[i % special.length];
        float[] g1 = new float[channels], g2 = new float[channels], gx1 = new float[channels], gx2 = new float[channels];
        SCALAR.batchNormSums(x, mask, dy, mean, invstd, g1, gx1, n, channels, p, 0, channels);
        vector.batchNormSums(x, mask, dy, mean, invstd, g2, gx2, n, channels, p, 0, channels);
        assertArrayEquals(g1, g2);
        assertArrayEquals(gx1, gx2);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 196})
    void layoutMovesRoundTrip(int p) {
        int n = 3, channels = 7, cols = n * p;
        float[] x = random(n * channels * p, 7), cm = new float[x.length], back = new float[x.length];
        vector.toChannelMajor(x, cm, channels, p, 0, cols, 0, n);
        assertEquals(x[(2 * channels + 4) * p + p - 1], cm[4 * cols + 2 * p + p - 1], 0f);
        float[] bias = random(channels, 8);
        SCALAR.fromChannelMajor(cm, back, bias, channels, p, 0, cols, 0, n);
        float[] back2 = new float[x.length];
        vector.fromChannelMajor(cm, back2, bias, channels, p, 0, cols, 0, n);
        assertArrayEquals(back, back2);
        for (int i = 0; i < x.length; i++) assertEquals(x[i] + bias[i / p % channels], back[i], 0f);
    }

    /** The sums' order is the interface's, written out here from its description: checked to the bit. */
    @ParameterizedTest
    @ValueSource(ints = {5, 16, 17, 196, 784})
    void channelSumsFollowTheDocumentedOrder(int p) {
        int n = 3, channels = 2, c = 1;
        float[] x = random(n * channels * p, 11);
        for (int i = 0; i < x.length; i += 3) x[i] *= 1e4f; // magnitudes far apart, so the order shows in the bits
        float expected = 0f;
        if (p < 16) {
            for (int i = 0; i < n; i++) for (int q = 0; q < p; q++) expected += x[(i * channels + c) * p + q];
        } else {
            int full = p / 16 * 16, r = p - full;
            float[] rl = new float[16];
            for (int l = 0; l < 16; l++) {
                float s = 0f, t = 0f;
                for (int i = 0; i < n; i++) for (int q = l; q < full; q += 16) s += x[(i * channels + c) * p + q];
                for (int i = 0; l < r && i < n; i++) t += x[(i * channels + c) * p + full + l];
                rl[l] = r > 0 ? s + t : s;
            }
            float[] q = new float[8];
            for (int l = 0; l < 8; l++) q[l] = rl[l] + rl[l + 8];
            expected = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
        }
        float[] sums = new float[channels], sums2 = new float[channels];
        SCALAR.channelSums(x, sums, n, channels, p, 0, channels);
        vector.channelSums(x, sums2, n, channels, p, 0, channels);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(sums[c]), "scalar, p = " + p);
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(sums2[c]), "vector, p = " + p);
    }

    /** rowDots on awkward shapes: k below 16, with and without a tail, across k blocks; edge rows and columns. */
    @ParameterizedTest
    @ValueSource(ints = {1, 15, 16, 17, 33, 1024, 1041, 2500})
    void rowDotsFollowTheDocumentedOrderOnBothKernels(int k) {
        for (int[] mn : new int[][] {{1, 1}, {4, 3}, {5, 7}, {32, 9}, {9, 2}}) {
            int m = mn[0], n = mn[1];
            float[] a = random(m * k, 21), b = random(n * k, 22);
            for (int i = 0; i < a.length; i += 5) a[i] *= 1e4f; // magnitudes far apart, so the order shows in the bits
            float[] c = new float[m * n], c2 = new float[m * n];
            SCALAR.rowDots(a, b, c, m, n, k);
            vector.rowDots(a, b, c2, m, n, k);
            for (int o = 0; o < m; o++) {
                for (int t = 0; t < n; t++) {
                    // The interface's order, written out: sixteen FMA chains, the tail, the tree.
                    int full = k / 16 * 16;
                    float[] r = new float[16];
                    for (int l = 0; l < 16; l++) {
                        for (int j = l; j < full; j += 16) r[l] = Math.fma(a[o * k + j], b[t * k + j], r[l]);
                        if (full + l < k) r[l] = Math.fma(a[o * k + full + l], b[t * k + full + l], r[l]);
                    }
                    float[] q = new float[8];
                    for (int l = 0; l < 8; l++) q[l] = r[l] + r[l + 8];
                    float expected = ((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7]));
                    String where = "[" + o + ", " + t + "] of " + m + " x " + n + ", k = " + k;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[o * n + t]), "scalar " + where);
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c2[o * n + t]), "vector " + where);
                    double exact = 0, magnitude = 0;
                    for (int j = 0; j < k; j++) {
                        exact += (double) a[o * k + j] * b[t * k + j];
                        magnitude += Math.abs((double) a[o * k + j] * b[t * k + j]);
                    }
                    assertEquals(exact, c[o * n + t], 1e-6 * magnitude, where);
                }
            }
        }
    }

    /** Images are written last first, into NaN: everything from {@code start} on is written, nothing before. */
    private static void assertWrittenFrom(float[] y, int start, String what) {
        for (int j = 0; j < y.length; j++) assertEquals(j >= start, !Float.isNaN(y[j]), what + " at " + j);
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int j = 0; j < got.length; j++) {
            assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]), what + " at " + j);
        }
    }
}
