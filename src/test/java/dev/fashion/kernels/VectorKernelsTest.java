package dev.fashion.kernels;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The vector kernels against the scalar baseline and a double-precision oracle, on awkward shapes.
 * Only the default surefire execution (with the incubator module) runs this class.
 *
 * <p>Narrow vector paths and the other register tiles: run it with a smaller species and each tile, e.g.
 * {@code ./mvnw -B test -Dtest=VectorKernelsTest -Dfashion.vector.bits=128 -Dfashion.vector.tile=8x2}
 * (Maven passes -D user properties to the forked test JVM; tiles are 8x2, 6x2 and 4x3).
 */
class VectorKernelsTest {

    private static final Kernels SCALAR = new ScalarKernels();
    private static Kernels vector;

    @BeforeAll
    static void load() {
        vector = KernelProvider.choose("vector").kernels();
    }

    enum Form { AB, AT_B, A_BT }

    private static final int[] AWKWARD = {1, 3, 15, 16, 17, 31, 33};

    static Stream<Arguments> shapes() {
        List<Arguments> list = new ArrayList<>();
        for (int m : AWKWARD) {
            for (int k : AWKWARD) {
                for (int n : AWKWARD) list.add(Arguments.of(m, k, n));
            }
        }
        int[][] more = {
                {785, 3, 17}, {17, 785, 33}, {3, 17, 785}, {1, 785, 1}, {1, 785, 256}, {33, 31, 785},
                {64, 784, 256}, {64, 256, 128}, {64, 128, 64}, {64, 64, 10}, {256, 64, 784}, {10, 64, 64},
                // around the tile (8 rows x 2 vectors of 4..16 lanes), k block (256) and n block (1024)
                {7, 9, 23}, {9, 7, 25}, {63, 47, 49}, {65, 48, 65}, {24, 255, 31}, {8, 257, 32},
                {16, 513, 33}, {9, 5, 1023}, {2, 3, 1025}, {2, 0, 5},
                // conv1's shifted-planes forward (784 = 24 tiles of 32 columns and one vector) and whole
                // vectors short of a tile with edge rows
                {32, 10, 784}, {7, 10, 48}, {13, 9, 80}, {5, 10, 24},
        };
        for (int[] s : more) list.add(Arguments.of(s[0], s[1], s[2]));
        return list.stream();
    }

    static Stream<Arguments> formsAndModelShapes() {
        List<Arguments> list = new ArrayList<>();
        int[][] model = {{64, 784, 256}, {64, 256, 128}, {64, 128, 64}, {64, 64, 10}, {37, 45, 29}, {1, 33, 17}};
        for (Form f : Form.values()) {
            for (int[] s : model) list.add(Arguments.of(f, s[0], s[1], s[2]));
        }
        return list.stream();
    }

    // ---- matmul -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void matmulMatchesOracleAndScalar(int m, int k, int n) {
        Random rnd = new Random(31L * m + 7L * k + n);
        for (Form form : Form.values()) {
            float[] a = random(m * k, rnd), b = random(k * n, rnd);
            for (boolean acc : new boolean[] {false, true}) {
                float[] c0 = acc ? random(m * n, rnd) : nan(m * n); // NaN: every element must be written
                float[] cv = c0.clone(), cs = acc ? c0.clone() : new float[m * n];
                run(vector, form, a, b, cv, m, k, n, 0, m, 0, n, acc);
                run(SCALAR, form, a, b, cs, m, k, n, 0, m, 0, n, acc);
                double[][] exact = oracle(form, a, b, acc ? c0 : null, m, k, n);
                // The same FMA chains, so the same bits; batch-1 A·Bᵀ is a dot product (lane sums) instead.
                if (!(form == Form.A_BT && m == 1)) assertBitsEqual(cs, cv, form + " acc=" + acc + " vs scalar");
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        // fma chain error bound: about k rounding errors of the running sum's magnitude
                        double tol = (k + 2) * 0x1p-23 * exact[1][i * n + j] + 1e-30;
                        double e = exact[0][i * n + j];
                        int ij = i * n + j;
                        if (!(Math.abs(cv[ij] - e) <= tol) || !(Math.abs(cs[ij] - e) <= tol)) {
                            fail(form + " acc=" + acc + " at (" + i + "," + j + "): vector " + cv[ij]
                                    + " scalar " + cs[ij] + " exact " + e + " tol " + tol);
                        }
                    }
                }
            }
        }
    }

    /**
     * matmulRows reads B's rows in place at arbitrary (even overlapping) offsets: the same bits as matmul
     * on those rows copied out, on both kernels, and nothing of C written past n in each ldc-long row.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void matmulRowsIsMatmulOnTheGatheredRows(int m, int k, int n) {
        Random rnd = new Random(17L * m + 5L * k + n);
        int span = 3 * n + 7;
        float[] pool = random(span + n + Kernels.ROWS_SLACK, rnd);
        int[] rows = new int[k];
        float[] b = new float[k * n];
        for (int p = 0; p < k; p++) {
            rows[p] = rnd.nextInt(span);
            System.arraycopy(pool, rows[p], b, p * n, n);
        }
        float[] a = random(m * k, rnd);
        float[] want = new float[m * n];
        SCALAR.matmul(a, b, want, m, k, n, 0, m, 0, n, false);
        int ldc = n + 3;
        for (Kernels kernels : new Kernels[] {SCALAR, vector}) {
            int co = 5; // C starts inside its array (a convolution writes image i's planes in place)
            float[] c = nan(co + m * ldc);
            kernels.matmulRows(a, pool, rows, c, co, m, n, ldc);
            for (int j = 0; j < co; j++) assertTrue(Float.isNaN(c[j]), kernels.name() + " wrote before co");
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    float got = c[co + i * ldc + j];
                    if (j >= n) assertTrue(Float.isNaN(got), kernels.name() + " wrote past n at (" + i + "," + j + ")");
                    else assertEquals(Float.floatToRawIntBits(want[i * n + j]), Float.floatToRawIntBits(got),
                            kernels.name() + " at (" + i + "," + j + ")");
                }
            }
        }
    }

    /**
     * matmulGatheredTransB reads A's rows in place at arbitrary (even overlapping) offsets: the same bits
     * as matmulTransB on those rows copied out, from zero and accumulating, on both kernels.
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void matmulGatheredTransBIsMatmulTransBOnTheGatheredRows(int m, int k, int n) {
        Random rnd = new Random(23L * m + 3L * k + n);
        int span = 2 * k + 5;
        float[] pool = random(span + k, rnd);
        int[] rows = new int[m];
        float[] a = new float[m * k];
        for (int i = 0; i < m; i++) {
            rows[i] = rnd.nextInt(span);
            System.arraycopy(pool, rows[i], a, i * k, k);
        }
        float[] b = random(n * k, rnd), c0 = random(m * n, rnd);
        for (boolean acc : new boolean[] {false, true}) {
            float[] want = acc ? c0.clone() : new float[m * n];
            SCALAR.matmulTransB(a, b, want, m, k, n, 0, m, 0, n, acc);
            for (Kernels kernels : new Kernels[] {SCALAR, vector}) {
                float[] c = acc ? c0.clone() : nan(m * n);
                kernels.matmulGatheredTransB(pool, rows, b, c, m, k, n, acc);
                assertBitsEqual(want, c, kernels.name() + " acc=" + acc);
            }
        }
    }

    /** The determinism contract: any split of C into blocks gives the same bits as one call. */
    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("formsAndModelShapes")
    void blocksGiveBitIdenticalResults(Form form, int m, int k, int n) {
        Random rnd = new Random(m * 1000L + n);
        float[] a = random(m * k, rnd), b = random(k * n, rnd), c0 = random(m * n, rnd);
        for (boolean acc : new boolean[] {false, true}) {
            float[] whole = c0.clone();
            run(vector, form, a, b, whole, m, k, n, 0, m, 0, n, acc);
            for (int trial = 0; trial < 4; trial++) {
                float[] blocked = c0.clone();
                int[] rows = cuts(m, rnd), cols = cuts(n, rnd);
                for (int r = 0; r + 1 < rows.length; r++) {
                    for (int s = 0; s + 1 < cols.length; s++) {
                        run(vector, form, a, b, blocked, m, k, n, rows[r], rows[r + 1], cols[s], cols[s + 1], acc);
                    }
                }
                assertBitsEqual(whole, blocked, form + " acc=" + acc + " rows " + Arrays.toString(rows)
                        + " cols " + Arrays.toString(cols));
            }
        }
    }

    /** A block call writes only its own block (64x20x256: A·Bᵀ computes that block of C transposed). */
    @ParameterizedTest
    @EnumSource(Form.class)
    void blockCallLeavesTheRestOfCAlone(Form form) {
        for (int[] s : new int[][] {{37, 20, 45, 5, 22, 3, 40}, {64, 20, 256, 5, 60, 3, 250}}) {
            blockCallLeavesTheRestOfCAlone(form, s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
        }
    }

    private void blockCallLeavesTheRestOfCAlone(Form form, int m, int k, int n, int i0, int i1, int j0, int j1) {
        Random rnd = new Random(5);
        float[] a = random(m * k, rnd), b = random(k * n, rnd), c = nan(m * n);
        run(vector, form, a, b, c, m, k, n, i0, i1, j0, j1, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                boolean inside = i >= i0 && i < i1 && j >= j0 && j < j1;
                assertEquals(inside, !Float.isNaN(c[i * n + j]), "(" + i + "," + j + ")");
            }
        }
    }

    // ---- bias ---------------------------------------------------------------------------------------

    @Test
    void biasAddAndGradientMatchScalarExactly() {
        Random rnd = new Random(2);
        for (int m : new int[] {1, 3, 64, 65}) {
            for (int n : new int[] {1, 7, 10, 16, 17, 33, 256}) {
                float[] bias = random(n, rnd), c = random(m * n, rnd), cs = c.clone();
                vector.addBias(c, bias, n, 0, m);
                SCALAR.addBias(cs, bias, n, 0, m);
                assertBitsEqual(cs, c, "addBias " + m + "x" + n);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] db = random(n, rnd), dbs = db.clone(), dbBlocks = db.clone();
                    vector.biasGradient(c, db, m, n, 0, n, acc);
                    SCALAR.biasGradient(c, dbs, m, n, 0, n, acc);
                    assertBitsEqual(dbs, db, "biasGradient " + m + "x" + n);
                    for (int j = 0; j < n; j += 3) vector.biasGradient(c, dbBlocks, m, n, j, Math.min(n, j + 3), acc);
                    assertBitsEqual(db, dbBlocks, "biasGradient in blocks " + m + "x" + n);
                }
            }
        }
    }

    // ---- element-wise -------------------------------------------------------------------------------

    @Test
    void reluMatchesScalarIncludingSignedZeroAndNaN() {
        for (int size : new int[] {1, 15, 16, 17, 1000, 1031}) {
            float[] x = random(size, new Random(size));
            x[0] = -0f;
            if (size > 5) {
                x[3] = Float.NaN;
                x[4] = Float.NEGATIVE_INFINITY;
                x[5] = Float.MIN_VALUE;
            }
            float[] yv = new float[size], ys = new float[size];
            vector.relu(x, yv, 0, size);
            SCALAR.relu(x, ys, 0, size);
            assertBitsEqual(ys, yv, "relu " + size);
            float[] inPlace = x.clone();
            vector.relu(inPlace, inPlace, 0, size);
            assertBitsEqual(ys, inPlace, "relu in place " + size);
            assertBodyEqualsTail(size, (from, to, out) -> vector.relu(x, out, from, to));
        }
    }

    @Test
    void reluBackwardMatchesScalar() {
        for (int size : new int[] {1, 15, 16, 17, 1000, 1031}) {
            Random rnd = new Random(size);
            float[] y = random(size, rnd), dy = random(size, rnd);
            for (int i = 0; i < size; i += 3) y[i] = Math.max(y[i], 0f);
            y[0] = -0f;
            float[] dxv = new float[size], dxs = new float[size];
            vector.reluBackward(y, dy, dxv, 0, size);
            SCALAR.reluBackward(y, dy, dxs, 0, size);
            assertBitsEqual(dxs, dxv, "reluBackward " + size);
            float[] alias = dy.clone();
            vector.reluBackward(y, alias, alias, 0, size);
            assertBitsEqual(dxs, alias, "reluBackward aliased " + size);
            assertBodyEqualsTail(size, (from, to, out) -> vector.reluBackward(y, dy, out, from, to));
        }
    }

    @Test
    void adamMatchesScalarAndBodyEqualsTail() {
        for (int size : new int[] {1, 17, 1000, 1031}) {
            for (float wd : new float[] {0f, 1e-2f}) {
                Random rnd = new Random(size);
                float[] p = random(size, rnd), g = random(size, rnd), m = random(size, rnd);
                float[] v = random(size, rnd);
                for (int i = 0; i < size; i++) v[i] = Math.abs(v[i]);
                float[][] vs = {p.clone(), m.clone(), v.clone()}, ss = {p.clone(), m.clone(), v.clone()};
                float[][] one = {p.clone(), m.clone(), v.clone()};
                for (int step = 1; step <= 3; step++) {
                    float bc1 = (float) (1 - Math.pow(0.9, step)), bc2 = (float) (1 - Math.pow(0.999, step));
                    vector.adam(vs[0], g, vs[1], vs[2], 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
                    SCALAR.adam(ss[0], g, ss[1], ss[2], 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
                    for (int i = 0; i < size; i++) { // one element per call: every element takes the tail
                        vector.adam(one[0], g, one[1], one[2], i, i + 1, 1e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
                    }
                }
                for (int t = 0; t < 3; t++) {
                    assertBitsEqual(ss[t], vs[t], "adam vs scalar " + size);
                    assertBitsEqual(vs[t], one[t], "adam vector body vs scalar tail " + size);
                }
            }
        }
    }

    @Test
    void adamwMatchesScalarAndBodyEqualsTail() {
        for (int size : new int[] {1, 17, 1000, 1031}) {
            for (float factor : new float[] {1f, 1f - 3e-3f * 0.05f}) {
                Random rnd = new Random(size + 7);
                float[] p = random(size, rnd), g = random(size, rnd), m = random(size, rnd);
                float[] v = random(size, rnd);
                for (int i = 0; i < size; i++) v[i] = Math.abs(v[i]);
                float[][] vs = {p.clone(), m.clone(), v.clone()}, ss = {p.clone(), m.clone(), v.clone()};
                float[][] one = {p.clone(), m.clone(), v.clone()};
                for (int step = 1; step <= 3; step++) {
                    float bc1 = (float) (1 - Math.pow(0.9, step)), bc2 = (float) (1 - Math.pow(0.999, step));
                    vector.adamw(vs[0], g, vs[1], vs[2], 0, size, 3e-3f, 0.9f, 0.999f, 1e-8f, factor, bc1, bc2);
                    SCALAR.adamw(ss[0], g, ss[1], ss[2], 0, size, 3e-3f, 0.9f, 0.999f, 1e-8f, factor, bc1, bc2);
                    for (int i = 0; i < size; i++) {
                        vector.adamw(one[0], g, one[1], one[2], i, i + 1, 3e-3f, 0.9f, 0.999f, 1e-8f, factor, bc1, bc2);
                    }
                }
                for (int t = 0; t < 3; t++) {
                    assertBitsEqual(ss[t], vs[t], "adamw vs scalar " + size);
                    assertBitsEqual(vs[t], one[t], "adamw vector body vs scalar tail " + size);
                }
            }
        }
    }

    /** With factor 1 AdamW is Adam without decay, to the bit; a factor below 1 shrinks the weight before the step. */
    @Test
    void adamwIsAdamWithTheDecayOnTheWeight() {
        for (Kernels k : List.of(SCALAR, vector)) {
            Random rnd = new Random(3);
            int size = 37;
            float[] p = random(size, rnd), g = random(size, rnd);
            float[] pa = p.clone(), ma = new float[size], va = new float[size];
            float[] pw = p.clone(), mw = new float[size], vw = new float[size];
            k.adam(pa, g, ma, va, 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0.1f, 0.001f);
            k.adamw(pw, g, mw, vw, 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, 1f, 0.1f, 0.001f);
            assertBitsEqual(pa, pw, k.name() + " adamw factor 1 = adam");
            float[] pd = p.clone(), md = new float[size], vd = new float[size];
            k.adamw(pd, g, md, vd, 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.5f, 0.1f, 0.001f);
            for (int i = 0; i < size; i++) {
                assertEquals(pa[i] - p[i] + 0.5f * p[i], pd[i], 1e-6f, k.name() + " p[" + i + "]");
            }
            assertBitsEqual(mw, md, k.name() + " moments do not see the decay");
        }
    }

    @Test
    void optimizerStateNeverHoldsSubnormals() {
        int size = 37; // two vectors and a tail at 16 lanes
        for (Kernels k : List.of(SCALAR, vector)) {
            float[] p = new float[size], g = new float[size], m = new float[size], v = new float[size];
            float[] buf = new float[size];
            for (int i = 0; i < size; i++) {
                p[i] = 0.5f + i;
                m[i] = i % 3 == 0 ? 1.2e-38f : Float.MIN_VALUE * (1 + i % 4); // just normal, or stuck ulps
                v[i] = i % 2 == 0 ? Float.MIN_NORMAL : 0.25f; // x 0.999: subnormal
                buf[i] = m[i];
            }
            float[] p0 = p.clone();
            k.adam(p, g, m, v, 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 0.5f, 0.5f);
            k.sgd(p.clone(), g, buf, 0, size, 1e-3f, 0.9f, 0f, false);
            for (int i = 0; i < size; i++) {
                assertEquals(0f, m[i], k.name() + " m[" + i + "]");
                assertEquals(0f, buf[i], k.name() + " momentum[" + i + "]");
                assertEquals(i % 2 == 0 ? 0f : 0.999f * 0.25f, v[i], k.name() + " v[" + i + "]");
                assertEquals(p0[i], p[i], k.name() + " p[" + i + "]: a zero moment moves nothing");
            }
            // Normal values pass through untouched, negative ones too.
            float[] big = {-1e-3f, 2e-30f, -3f};
            k.adam(new float[3], big.clone(), m = new float[3], v = new float[3], 0, 3, 1e-3f, 0.9f, 0.999f,
                    1e-8f, 0f, 0.5f, 0.5f);
            for (int i = 0; i < 3; i++) assertEquals(0.1f * big[i], m[i], 1e-6f * Math.abs(big[i]), k.name());
        }
    }

    @Test
    void sgdMatchesScalarAndBodyEqualsTail() {
        for (int size : new int[] {1, 17, 1000, 1031}) {
            for (float momentum : new float[] {0f, 0.9f}) {
                for (boolean nesterov : new boolean[] {false, true}) {
                    Random rnd = new Random(size);
                    float[] p = random(size, rnd), g = random(size, rnd), buf = random(size, rnd);
                    float[][] vs = {p.clone(), buf.clone()}, ss = {p.clone(), buf.clone()}, one = {p.clone(), buf.clone()};
                    for (int step = 0; step < 3; step++) {
                        vector.sgd(vs[0], g, vs[1], 0, size, 0.05f, momentum, 1e-3f, nesterov);
                        SCALAR.sgd(ss[0], g, ss[1], 0, size, 0.05f, momentum, 1e-3f, nesterov);
                        for (int i = 0; i < size; i++) vector.sgd(one[0], g, one[1], i, i + 1, 0.05f, momentum, 1e-3f, nesterov);
                    }
                    String what = "sgd " + size + " momentum " + momentum + " nesterov " + nesterov;
                    for (int t = 0; t < 2; t++) {
                        assertBitsEqual(ss[t], vs[t], what + " vs scalar");
                        assertBitsEqual(vs[t], one[t], what + " body vs tail");
                    }
                    if (momentum == 0f) assertBitsEqual(buf, vs[1], what + ": buffer untouched");
                }
            }
        }
    }

    // ---- softmax family -----------------------------------------------------------------------------

    enum Soft { LOG_SOFTMAX, SOFTMAX }

    @ParameterizedTest
    @EnumSource(Soft.class)
    void softmaxForwardAndBackwardMatchOracle(Soft kind) {
        for (int m : new int[] {1, 3, 16, 17, 64, 65}) {
            for (int n : new int[] {1, 2, 10, 16, 17, 100}) {
                Random rnd = new Random(m * 131L + n);
                float[] x = random(m * n, rnd);
                for (int i = 0; i < x.length; i++) x[i] *= 8f;
                if (m > 2) { // a row of +-100 and an all-equal row
                    for (int j = 0; j < n; j++) x[n + j] = j % 2 == 0 ? 100f : -100f;
                    Arrays.fill(x, 2 * n, 3 * n, 42f);
                }
                float[] y = new float[m * n];
                forward(vector, kind, x, y, n, 0, m);
                float[] dy = random(m * n, rnd), dx = new float[m * n];
                backward(vector, kind, y, dy, dx, n, 0, m);
                for (int i = 0; i < m; i++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < n; j++) max = Math.max(max, x[i * n + j]);
                    for (int j = 0; j < n; j++) sum += Math.exp(x[i * n + j] - max);
                    double dot = 0, dySum = 0;
                    double[] p = new double[n];
                    for (int j = 0; j < n; j++) {
                        p[j] = Math.exp(x[i * n + j] - max) / sum;
                        dot += dy[i * n + j] * p[j];
                        dySum += dy[i * n + j];
                    }
                    for (int j = 0; j < n; j++) {
                        int ij = i * n + j;
                        double want = kind == Soft.SOFTMAX ? p[j] : x[ij] - max - Math.log(sum);
                        double wantDx = kind == Soft.SOFTMAX ? p[j] * (dy[ij] - dot) : dy[ij] - p[j] * dySum;
                        String at = kind + " " + m + "x" + n + " (" + i + "," + j + ")";
                        assertTrue(Float.isFinite(y[ij]) && Float.isFinite(dx[ij]), at + ": not finite");
                        assertTrue(Math.abs(y[ij] - want) <= 1e-5 * (1 + Math.abs(want)), at + ": " + y[ij] + " vs " + want);
                        assertTrue(Math.abs(dx[ij] - wantDx) <= 1e-5 * (1 + n), at + ": dx " + dx[ij] + " vs " + wantDx);
                    }
                }
                // Each row gets the same bits whether it is computed alone (a tail) or in a full group.
                float[] yRows = new float[m * n], dxRows = new float[m * n];
                for (int i = 0; i < m; i++) {
                    forward(vector, kind, x, yRows, n, i, i + 1);
                    backward(vector, kind, y, dy, dxRows, n, i, i + 1);
                }
                assertBitsEqual(y, yRows, kind + " rows one by one");
                float[] ys = new float[m * n], dxs = new float[m * n];
                forward(SCALAR, kind, x, ys, n, 0, m);
                backward(SCALAR, kind, y, dy, dxs, n, 0, m);
                assertBitsEqual(ys, y, kind + " vs scalar");
                assertBitsEqual(dxs, dx, kind + " backward vs scalar");
                assertBitsEqual(dx, dxRows, kind + " backward rows one by one");
            }
        }
    }

    /** Rows with infinities, NaN, huge gaps and values past exp's clamps behave as the scalar baseline's. */
    @ParameterizedTest
    @EnumSource(Soft.class)
    void softmaxFamilyHandlesExtremeRowsAsScalarDoes(Soft kind) {
        float inf = Float.POSITIVE_INFINITY;
        float[][] rows = {
                {0f, -1e30f, -200f, -87.5f, -86.9f, 1f, 2f, 3f, 4f, 5f},
                {-inf, 0f, 1f, -inf, 2f, 3f, 4f, 5f, 6f, 7f},
                {Float.NaN, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f},
                {-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf},
                {1e30f, -1e30f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f},
                {88f, 89f, 100f, -88f, 0f, 0f, 0f, 0f, 0f, 0f},
        };
        int n = 10, m = rows.length;
        float[] x = new float[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(rows[i], 0, x, i * n, n);
        ScalarKernels scalar = new ScalarKernels();
        float[] want = new float[m * n], got = new float[m * n];
        forward(scalar, kind, x, want, n, 0, m);
        forward(vector, kind, x, got, n, 0, m);
        float[] dy = random(m * n, new Random(7)), wantDx = new float[m * n], gotDx = new float[m * n];
        backward(scalar, kind, want, dy, wantDx, n, 0, m);
        backward(vector, kind, want, dy, gotDx, n, 0, m);
        assertBitsEqual(want, got, kind.toString());
        assertBitsEqual(wantDx, gotDx, kind + " backward");
    }

    @Test
    void expScaleMatchesScalarAndBodyEqualsTail() {
        for (int size : new int[] {1, 17, 40, 2560}) {
            Random rnd = new Random(size);
            float[] x = new float[size];
            // Log-probabilities: 0 down to -100 (below the polynomial's -87 clamp), a few exact zeros.
            for (int i = 0; i < size; i++) x[i] = i % 7 == 0 ? 0f : -100f * rnd.nextFloat() * rnd.nextFloat();
            float[] want = new float[size], got = new float[size], one = new float[size];
            SCALAR.expScale(x, want, 1f / 64, 0, size);
            vector.expScale(x, got, 1f / 64, 0, size);
            for (int i = 0; i < size; i++) {
                vector.expScale(x, one, 1f / 64, i, i + 1);
                // About an ulp where it matters; below e^-87 both are under 1e-38, as good as zero here.
                assertEquals(Math.exp(x[i]) / 64, got[i], 3e-7f * got[i] + 1e-38f, "expScale at " + i + " of " + size);
            }
            assertBitsEqual(want, got, "expScale vs scalar " + size);
            assertBitsEqual(got, one, "expScale vector body vs scalar tail " + size);
        }
    }

    // ---- calibration -----------------------------------------------------------------------------

    @Test
    void fmaProbeDoesTheFlopsAskedAndComputesTheChains() {
        for (Kernels k : List.of(SCALAR, vector)) {
            long round = k.fmaProbe(1, new float[1]); // one round: 12 chains x 2 flops x lanes
            int lanes = (int) (round / 24);
            assertEquals(24L * lanes, round, k.name());
            float[] sink = {0.25f};
            long done = k.fmaProbe(1_000_003, sink);
            assertTrue(done >= 1_000_003 && done < 1_000_003 + round, k.name() + " did " + done);
            // Chain j starts at 0.25 + j and runs x -> 0.999 x + 0.001, which approaches 1 geometrically.
            long rounds = done / round;
            double want = 0;
            for (int j = 0; j < 12; j++) want += lanes * (1 + (0.25 + j - 1) * Math.pow(0.999, rounds));
            assertEquals(want, sink[0], want * 1e-3, k.name());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static void forward(Kernels k, Soft kind, float[] x, float[] y, int n, int i0, int i1) {
        if (kind == Soft.SOFTMAX) k.softmax(x, y, n, i0, i1);
        else k.logSoftmax(x, y, n, i0, i1);
    }

    private static void backward(Kernels k, Soft kind, float[] y, float[] dy, float[] dx, int n, int i0, int i1) {
        if (kind == Soft.SOFTMAX) k.softmaxBackward(y, dy, dx, n, i0, i1);
        else k.logSoftmaxBackward(y, dy, dx, n, i0, i1);
    }

    private static void run(Kernels k, Form form, float[] a, float[] b, float[] c, int m, int kk, int n,
                            int i0, int i1, int j0, int j1, boolean acc) {
        switch (form) {
            case AB -> k.matmul(a, b, c, m, kk, n, i0, i1, j0, j1, acc);
            case AT_B -> k.matmulTransA(a, b, c, m, kk, n, i0, i1, j0, j1, acc);
            case A_BT -> k.matmulTransB(a, b, c, m, kk, n, i0, i1, j0, j1, acc);
        }
    }

    /** {exact C, sum of |terms| per element} in double precision. */
    private static double[][] oracle(Form form, float[] a, float[] b, float[] c0, int m, int k, int n) {
        double[] c = new double[m * n], mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0 == null ? 0 : c0[i * n + j], abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double av = form == Form.AT_B ? a[p * m + i] : a[i * k + p];
                    double bv = form == Form.A_BT ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                    abs += Math.abs(av * bv);
                }
                c[i * n + j] = s;
                mag[i * n + j] = abs;
            }
        }
        return new double[][] {c, mag};
    }

    /** Random cut points 0 = c0 < c1 < ... < total, some of them off any tile boundary. */
    private static int[] cuts(int total, Random rnd) {
        List<Integer> cuts = new ArrayList<>(List.of(0));
        int at = 0;
        while (at < total) {
            at = Math.min(total, at + 1 + rnd.nextInt(Math.max(1, total / 2)));
            cuts.add(at);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    @FunctionalInterface
    private interface RangeOp {
        void run(int from, int to, float[] out);
    }

    /** Whole-range call (vector body) vs one element per call (scalar tail): same bits. */
    private static void assertBodyEqualsTail(int size, RangeOp op) {
        float[] body = new float[size], tail = new float[size];
        op.run(0, size, body);
        for (int i = 0; i < size; i++) op.run(i, i + 1, tail);
        assertBitsEqual(body, tail, "vector body vs scalar tail, size " + size);
    }

    private static float[] random(int size, Random rnd) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static float[] nan(int size) {
        float[] a = new float[size];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", expected bit-identical " + want[i]);
            }
        }
    }

}
