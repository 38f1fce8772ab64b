package dev.fashion.kernels.vector;

import dev.fashion.kernels.ConvShape;
import dev.fashion.kernels.ScalarConvKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the arithmetic {@link dev.fashion.kernels.ConvKernels}: batch norm's sweeps and
 * per-channel sums, col2im's row additions and the 2x2 stride-2 max pool. The rest is inherited: im2col
 * and the layout changes are {@link System#arraycopy} row copies (already vector moves), and the other
 * pools are rare and scalar.
 *
 * <p>The per-channel sums keep the interface's sixteen block partials in vector lanes (one 512-bit
 * vector or two 256-bit ones: the same partials, so the same bits, on AVX-512 and AVX2); the tail partials
 * and the final tree are the scalar baseline's. Element-wise sweeps use the widest species: their bits do
 * not depend on the width.
 */
public final class VectorConvKernels extends ScalarConvKernels {

    private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
    private static final int L = S.length();
    /**
     * The per-channel sums run on S itself, one vector of partials at 512 bits and two at 256, and in the
     * scalar baseline's code at other widths. Never on a second species: with 512-bit kernels, an 8-lane
     * species for the sums broke JDK 17's matmul (the shared JDK methods fromArray, fma and intoArray saw
     * two vector classes in their profiles, C2 could not prove a micro-kernel's accumulators were 512-bit
     * vectors and left its stores un-intrinsified: boxed vectors, the CNN 3.2x slower, allocating).
     */
    private static final boolean VECTOR_SUMS = L == LANES || 2 * L == LANES;
    private static final boolean TWO = 2 * L == LANES;
    /** Per-thread lanes of the sums' accumulators, read back as floats (grow-never, so nothing per call). */
    private static final ThreadLocal<float[]> LANE_BUFFER = ThreadLocal.withInitial(() -> new float[LANES]);

    public VectorConvKernels() {
        if (VectorShapes.PROBLEM != null) throw new UnsupportedOperationException(VectorShapes.PROBLEM);
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    protected void addRow(float[] col, int src, float[] dx, int dst, int stride, int lo, int hi) {
        if (stride != 1) {
            super.addRow(col, src, dx, dst, stride, lo, hi);
            return;
        }
        int ox = lo;
        for (; ox <= hi - L; ox += L) {
            FloatVector.fromArray(S, dx, dst + ox).add(FloatVector.fromArray(S, col, src + ox)).intoArray(dx, dst + ox);
        }
        for (; ox < hi; ox++) dx[dst + ox] += col[src + ox];
    }

    /**
     * Whole vectors per output row, even past its end (ow = 14 of 16 lanes for conv2): the overrun lands on
     * the next rows of the same image, which are written after it. Only a vector that would leave the
     * image (other threads own the next one) is copied element by element.
     */
    @Override
    public void fromPaddedRows(float[] t, int ldt, float[] dst, float[] bias, int channels, ConvShape g, int image) {
        int oh = g.oh(), ow = g.ow(), wp = g.paddedWidth();
        int end = (image + 1) * channels * oh * ow;
        for (int c = 0; c < channels; c++) {
            boolean add = bias != null;
            float b = add ? bias[c] : 0f;
            FloatVector bv = FloatVector.broadcast(S, b);
            for (int oy = 0; oy < oh; oy++) {
                int s = c * ldt + oy * wp, d = ((image * channels + c) * oh + oy) * ow;
                int q = 0;
                for (; q < ow && d + q + L <= end; q += L) {
                    FloatVector v = FloatVector.fromArray(S, t, s + q);
                    (add ? v.add(bv) : v).intoArray(dst, d + q);
                }
                for (; q < ow; q++) dst[d + q] = add ? t[s + q] + b : t[s + q];
            }
        }
    }

    // Lane permutations for the 2x2 pool: swap neighbours (a window's right column beside its left), and
    // even lanes to the low half (one output per window, contiguous).
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(S, i -> i ^ 1);
    private static final VectorShuffle<Float> EVENS_LOW = VectorShuffle.fromOp(S, i -> i < L / 2 ? 2 * i : 2 * (i - L / 2) + 1);
    private static final FloatVector IOTA = FloatVector.fromArray(S, iota(L), 0);

    private static float[] iota(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }

    @Override
    public void maxPool(float[] x, float[] y, float[] argmax, ConvShape g, int from, int to) {
        if (g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2) {
            vectorWindows2x2(x, y, argmax, g, from, to);
        } else {
            super.maxPool(x, y, argmax, g, from, to);
        }
    }

    /**
     * The 2x2 stride-2 pool, L/2 windows per step: the two input rows of L columns each, their neighbour-
     * swapped copies (so lane 2k holds a window's four values a, b, c, d in its four vectors), the max, and
     * the first of a, b, c, d equal to it: the scalar loop's choice when nothing is NaN (-0 and +0 compare
     * equal, so the first still wins). A step whose max is NaN is redone in scalar code. The even lanes go
     * to the low half and all L lanes are stored: the upper half lands on outputs this call writes later.
     * A row's last step overlaps the one before it rather than running short. Measured against the
     * branch-free scalar loop: see ConvBench.maxPool.
     */
    private static void vectorWindows2x2(float[] x, float[] y, float[] argmax, ConvShape g, int from, int to) {
        int oh = g.oh(), ow = g.ow(), w = g.w(), hw = g.h() * w, p = oh * ow, cols = 2 * ow, end = to * p;
        FloatVector right = FloatVector.broadcast(S, 1f), below = FloatVector.broadcast(S, w), diagonal = below.add(right);
        for (int plane = from; plane < to; plane++) {
            int xs = plane * hw, ys = plane * p;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = 2 * oy * w, out = ys + oy * ow;
                for (int j = 0; j < cols; j += L) {
                    int jj = cols <= L ? 0 : Math.min(j, cols - L), e = xs + r0 + jj, o = out + jj / 2;
                    if (e + w + L > x.length || o + L > end) {
                        windows2x2(x, y, argmax, xs, r0 + jj, w, o, Math.min(L, cols - jj) / 2);
                        continue;
                    }
                    FloatVector a = FloatVector.fromArray(S, x, e), c = FloatVector.fromArray(S, x, e + w);
                    FloatVector b = a.rearrange(SWAP_PAIRS), d = c.rearrange(SWAP_PAIRS);
                    FloatVector max = a.max(b).max(c.max(d));
                    if (Float.isNaN(max.reduceLanes(VectorOperators.MAX))) {
                        windows2x2(x, y, argmax, xs, r0 + jj, w, o, Math.min(L, cols - jj) / 2);
                        continue;
                    }
                    // From the last candidate back to the first, so the first equal one is chosen.
                    FloatVector value = d, offset = diagonal;
                    VectorMask<Float> hit = c.compare(VectorOperators.EQ, max);
                    value = value.blend(c, hit);
                    offset = offset.blend(below, hit);
                    hit = b.compare(VectorOperators.EQ, max);
                    value = value.blend(b, hit);
                    offset = offset.blend(right, hit);
                    hit = a.compare(VectorOperators.EQ, max);
                    value = value.blend(a, hit);
                    offset = offset.blend(0f, hit);
                    value.rearrange(EVENS_LOW).intoArray(y, o);
                    IOTA.add(r0 + jj).add(offset).rearrange(EVENS_LOW).intoArray(argmax, o);
                }
            }
        }
    }

    /*
     * The reductions run as one flat loop over every block of every image (the image changes inside it):
     * on JDK 17, C2 keeps a vector accumulator in a register only in the innermost loop, and a nested
     * image loop boxed it on every block (measured: 788 KB allocated per call at 16 images x 32 x 196).
     * Partial l of the interface's order is lane l of a0 (512-bit: one vector holds all sixteen), or lane
     * l - 8 of a1 from l = 8 on (256-bit: two vectors). After the loop the lanes go to a per-thread buffer
     * (a vector passed to a method that is not inlined is boxed, and the loop's accumulator with it) and
     * the tails and the tree are the scalar baseline's, on floats.
     */

    /**
     * Register blocks of dot products, each dot's sixteen partials in one vector (two at 256 bits): 4 rows
     * of a by 3 of b at 512 bits (12 accumulators, 7 loads per 12 FMAs), 1 by 3 at 256 (6 accumulators in
     * two vectors each, within AVX2's 16 registers); single dots at the edges. k runs in blocks of
     * {@link #DOT_BLOCK}, so the rows' blocks are read from L1 by every register block that needs them, and
     * the partials wait in a per-thread buffer between k blocks (stored and reloaded exactly, so the chains
     * are unchanged). Conv1's weight gradient (32 x 9 dots of 12,544 products per group of 16 images), AMD
     * EPYC Zen 5, one thread, per group: 0.37 ms as a matmul (9 of a 32-wide tile's columns used), 0.26 ms
     * as dots over whole rows (every block streamed its rows from L2 and beyond), 0.08-0.10 ms in k blocks
     * of 1,024 (256 and 512 were within the noise); on 256-bit vectors 0.14-0.2 ms.
     */
    @Override
    public void rowDots(float[] a, float[] b, float[] c, int m, int n, int k) {
        if (k < LANES || !VECTOR_SUMS) {
            super.rowDots(a, b, c, m, n, k);
            return;
        }
        float[] acc = DOT_PARTIALS.get();
        if (acc.length < m * n * LANES) DOT_PARTIALS.set(acc = new float[m * n * LANES]);
        dotBlocks(a, 0, b, null, acc, m, n, k, k & ~(LANES - 1), true);
        for (int o = 0; o < m; o++) {
            for (int t = 0; t < n; t++) {
                int at = (o * n + t) * LANES;
                for (int l = 0; l < LANES; l++) acc[at + l] = dotTail(a, o * k, b, t * k, k, l, acc[at + l]);
                c[o * n + t] = combine(acc[at], acc[at + 1], acc[at + 2], acc[at + 3], acc[at + 4], acc[at + 5],
                        acc[at + 6], acc[at + 7], acc[at + 8], acc[at + 9], acc[at + 10], acc[at + 11], acc[at + 12],
                        acc[at + 13], acc[at + 14], acc[at + 15]);
            }
        }
    }

    @Override
    public void rowDotsRows(float[] a, int ao, float[] b, int[] rows, float[] acc, int m, int n, int k, boolean first) {
        if (!VECTOR_SUMS) {
            super.rowDotsRows(a, ao, b, rows, acc, m, n, k, first);
            return;
        }
        requireWholeBlocks(k);
        dotBlocks(a, ao, b, rows, acc, m, n, k, k, first);
    }

    /**
     * The register blocks of {@link #rowDots} over products [0, full) in k blocks of {@link #DOT_BLOCK}: a's
     * row o at ao + o·k, b's row t at rows[t] (or t·k when rows is null); from zero when first.
     */
    private static void dotBlocks(float[] a, int ao, float[] b, int[] rows, float[] acc, int m, int n, int k, int full,
                                  boolean first) {
        int block = TWO ? 1 : 4;
        for (int j0 = 0; j0 < full; j0 += DOT_BLOCK) {
            int j1 = Math.min(full, j0 + DOT_BLOCK);
            boolean zero = first && j0 == 0;
            int o = 0;
            for (; o + block <= m; o += block) {
                int t = 0, ar = ao + o * k;
                for (; t + 3 <= n; t += 3) {
                    int b0 = row(rows, t, k), b1 = row(rows, t + 1, k), b2 = row(rows, t + 2, k), e0 = (o * n + t) * LANES;
                    if (TWO) dots1x3(a, ar, b, b0, b1, b2, acc, e0, j0, j1, zero);
                    else dots4x3(a, ar, k, b, b0, b1, b2, acc, e0, n * LANES, j0, j1, zero);
                }
                for (; t < n; t++) {
                    for (int i = o; i < o + block; i++) dot(a, ao + i * k, b, row(rows, t, k), acc, (i * n + t) * LANES, j0, j1, zero);
                }
            }
            for (; o < m; o++) {
                for (int t = 0; t < n; t++) dot(a, ao + o * k, b, row(rows, t, k), acc, (o * n + t) * LANES, j0, j1, zero);
            }
        }
    }

    private static int row(int[] rows, int t, int k) {
        return rows == null ? t * k : rows[t];
    }

    /** Products per row in one k block of {@link #rowDots}: 7 rows of 4 KB in L1. */
    static final int DOT_BLOCK = 1024;
    /** Per-thread partials of {@link #rowDots}, [dot, 16], grow-only. */
    private static final ThreadLocal<float[]> DOT_PARTIALS = ThreadLocal.withInitial(() -> new float[0]);

    private static FloatVector partials(float[] acc, int at, boolean first) {
        return first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, at);
    }

    private static void dots4x3(float[] a, int a0, int k, float[] b, int b0, int b1, int b2, float[] acc, int e0,
                                int stride, int j0, int j1, boolean first) {
        int a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        int e1 = e0 + stride, e2 = e1 + stride, e3 = e2 + stride;
        FloatVector c00 = partials(acc, e0, first), c01 = partials(acc, e0 + LANES, first);
        FloatVector c02 = partials(acc, e0 + 2 * LANES, first), c10 = partials(acc, e1, first);
        FloatVector c11 = partials(acc, e1 + LANES, first), c12 = partials(acc, e1 + 2 * LANES, first);
        FloatVector c20 = partials(acc, e2, first), c21 = partials(acc, e2 + LANES, first);
        FloatVector c22 = partials(acc, e2 + 2 * LANES, first), c30 = partials(acc, e3, first);
        FloatVector c31 = partials(acc, e3 + LANES, first), c32 = partials(acc, e3 + 2 * LANES, first);
        for (int j = j0; j < j1; j += L) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0 + j), x1 = FloatVector.fromArray(S, b, b1 + j);
            FloatVector x2 = FloatVector.fromArray(S, b, b2 + j);
            FloatVector y = FloatVector.fromArray(S, a, a0 + j);
            c00 = y.fma(x0, c00);
            c01 = y.fma(x1, c01);
            c02 = y.fma(x2, c02);
            y = FloatVector.fromArray(S, a, a1 + j);
            c10 = y.fma(x0, c10);
            c11 = y.fma(x1, c11);
            c12 = y.fma(x2, c12);
            y = FloatVector.fromArray(S, a, a2 + j);
            c20 = y.fma(x0, c20);
            c21 = y.fma(x1, c21);
            c22 = y.fma(x2, c22);
            y = FloatVector.fromArray(S, a, a3 + j);
            c30 = y.fma(x0, c30);
            c31 = y.fma(x1, c31);
            c32 = y.fma(x2, c32);
        }
        c00.intoArray(acc, e0);
        c01.intoArray(acc, e0 + LANES);
        c02.intoArray(acc, e0 + 2 * LANES);
        c10.intoArray(acc, e1);
        c11.intoArray(acc, e1 + LANES);
        c12.intoArray(acc, e1 + 2 * LANES);
        c20.intoArray(acc, e2);
        c21.intoArray(acc, e2 + LANES);
        c22.intoArray(acc, e2 + 2 * LANES);
        c30.intoArray(acc, e3);
        c31.intoArray(acc, e3 + LANES);
        c32.intoArray(acc, e3 + 2 * LANES);
    }

    /** 256-bit vectors: each dot's partials 0-7 in the first vector of a pair, 8-15 in the second. */
    private static void dots1x3(float[] a, int a0, float[] b, int b0, int b1, int b2, float[] acc, int e0, int j0,
                                int j1, boolean first) {
        FloatVector c0 = partials(acc, e0, first), d0 = partials(acc, e0 + L, first);
        FloatVector c1 = partials(acc, e0 + LANES, first), d1 = partials(acc, e0 + LANES + L, first);
        FloatVector c2 = partials(acc, e0 + 2 * LANES, first), d2 = partials(acc, e0 + 2 * LANES + L, first);
        for (int j = j0; j < j1; j += LANES) {
            FloatVector y = FloatVector.fromArray(S, a, a0 + j), z = FloatVector.fromArray(S, a, a0 + j + L);
            c0 = y.fma(FloatVector.fromArray(S, b, b0 + j), c0);
            d0 = z.fma(FloatVector.fromArray(S, b, b0 + j + L), d0);
            c1 = y.fma(FloatVector.fromArray(S, b, b1 + j), c1);
            d1 = z.fma(FloatVector.fromArray(S, b, b1 + j + L), d1);
            c2 = y.fma(FloatVector.fromArray(S, b, b2 + j), c2);
            d2 = z.fma(FloatVector.fromArray(S, b, b2 + j + L), d2);
        }
        c0.intoArray(acc, e0);
        d0.intoArray(acc, e0 + L);
        c1.intoArray(acc, e0 + LANES);
        d1.intoArray(acc, e0 + LANES + L);
        c2.intoArray(acc, e0 + 2 * LANES);
        d2.intoArray(acc, e0 + 2 * LANES + L);
    }

    private static void dot(float[] a, int ao, float[] b, int bo, float[] acc, int at, int j0, int j1, boolean first) {
        FloatVector c0 = partials(acc, at, first), d0 = TWO ? partials(acc, at + L, first) : c0;
        for (int j = j0; j < j1; j += LANES) {
            c0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), c0);
            if (TWO) d0 = FloatVector.fromArray(S, a, ao + j + L).fma(FloatVector.fromArray(S, b, bo + j + L), d0);
        }
        c0.intoArray(acc, at);
        if (TWO) d0.intoArray(acc, at + L);
    }

    @Override
    public void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1) {
        if (p == 1) {
            // [N, F] (batch norm over features): one lane per feature, each lane the interface's single
            // chain over the images, so the same bits as the scalar loop, with the rows read contiguously.
            int c = c0;
            for (; c <= c1 - L; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0, e = c; i < n; i++, e += channels) acc = acc.add(FloatVector.fromArray(S, x, e));
                acc.intoArray(sums, c);
            }
            if (c < c1) super.channelSums(x, sums, n, channels, p, c, c1);
            return;
        }
        if (p < LANES || !VECTOR_SUMS) {
            super.channelSums(x, sums, n, channels, p, c0, c1);
            return;
        }
        float[] lanes = LANE_BUFFER.get();
        int full = p & ~(LANES - 1), blocks = n * (full / LANES);
        for (int c = c0; c < c1; c++) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = 0, at = c * p, q = 0;
            for (int k = 0; k < blocks; k++) {
                a0 = a0.add(FloatVector.fromArray(S, x, at + q));
                if (TWO) a1 = a1.add(FloatVector.fromArray(S, x, at + q + L));
                q += LANES;
                if (q == full) {
                    q = 0;
                    i++;
                    at = (i * channels + c) * p;
                }
            }
            a0.intoArray(lanes, 0);
            if (TWO) a1.intoArray(lanes, L);
            sums[c] = finish(lanes, SUM, x, null, null, 0f, 0f, n, channels, p, c);
        }
    }

    @Override
    public void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1) {
        if (p == 1) {
            int c = c0;
            for (; c <= c1 - L; c += L) {
                FloatVector m = FloatVector.fromArray(S, mean, c), acc = FloatVector.zero(S);
                for (int i = 0, e = c; i < n; i++, e += channels) {
                    FloatVector d = FloatVector.fromArray(S, x, e).sub(m);
                    acc = d.fma(d, acc);
                }
                acc.intoArray(sums, c);
            }
            if (c < c1) super.channelSquaredDeviations(x, mean, sums, n, channels, p, c, c1);
            return;
        }
        if (p < LANES || !VECTOR_SUMS) {
            super.channelSquaredDeviations(x, mean, sums, n, channels, p, c0, c1);
            return;
        }
        float[] lanes = LANE_BUFFER.get();
        int full = p & ~(LANES - 1), blocks = n * (full / LANES);
        for (int c = c0; c < c1; c++) {
            float mc = mean[c];
            FloatVector m = FloatVector.broadcast(S, mc);
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = 0, at = c * p, q = 0;
            for (int k = 0; k < blocks; k++) {
                FloatVector d = FloatVector.fromArray(S, x, at + q).sub(m);
                a0 = d.fma(d, a0);
                if (TWO) {
                    FloatVector d1 = FloatVector.fromArray(S, x, at + q + L).sub(m);
                    a1 = d1.fma(d1, a1);
                }
                q += LANES;
                if (q == full) {
                    q = 0;
                    i++;
                    at = (i * channels + c) * p;
                }
            }
            a0.intoArray(lanes, 0);
            if (TWO) a1.intoArray(lanes, L);
            sums[c] = finish(lanes, SQUARES, x, null, null, mc, 0f, n, channels, p, c);
        }
    }

    @Override
    public void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                              float[] sumGX, int n, int channels, int p, int c0, int c1) {
        if (p == 1) {
            featureBatchNormSums(x, y, dy, mean, invstd, sumG, sumGX, n, channels, c0, c1);
            return;
        }
        if (p < LANES || !VECTOR_SUMS) {
            super.batchNormSums(x, y, dy, mean, invstd, sumG, sumGX, n, channels, p, c0, c1);
            return;
        }
        float[] lanes = LANE_BUFFER.get();
        int full = p & ~(LANES - 1), blocks = n * (full / LANES);
        FloatVector zero = FloatVector.zero(S);
        for (int c = c0; c < c1; c++) {
            float mc = mean[c], isc = invstd[c];
            FloatVector m = FloatVector.broadcast(S, mc), is = FloatVector.broadcast(S, isc);
            FloatVector g0 = zero, g1 = zero, h0 = zero, h1 = zero;
            int i = 0, at = c * p, q = 0;
            for (int k = 0; k < blocks; k++) {
                int e = at + q;
                FloatVector g = FloatVector.fromArray(S, dy, e);
                if (y != null) g = zero.blend(g, FloatVector.fromArray(S, y, e).compare(VectorOperators.GT, 0f));
                g0 = g0.add(g);
                h0 = g.fma(FloatVector.fromArray(S, x, e).sub(m).mul(is), h0);
                if (TWO) {
                    FloatVector gb = FloatVector.fromArray(S, dy, e + L);
                    if (y != null) gb = zero.blend(gb, FloatVector.fromArray(S, y, e + L).compare(VectorOperators.GT, 0f));
                    g1 = g1.add(gb);
                    h1 = gb.fma(FloatVector.fromArray(S, x, e + L).sub(m).mul(is), h1);
                }
                q += LANES;
                if (q == full) {
                    q = 0;
                    i++;
                    at = (i * channels + c) * p;
                }
            }
            g0.intoArray(lanes, 0);
            if (TWO) g1.intoArray(lanes, L);
            sumG[c] = finish(lanes, MASKED, dy, null, y, 0f, 0f, n, channels, p, c);
            h0.intoArray(lanes, 0);
            if (TWO) h1.intoArray(lanes, L);
            sumGX[c] = finish(lanes, BY_X, dy, x, y, mc, isc, n, channels, p, c);
        }
    }

    /** batchNormSums over [N, F]: as channelSums, one lane per feature. */
    private void featureBatchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                                      float[] sumGX, int n, int channels, int c0, int c1) {
        FloatVector zero = FloatVector.zero(S);
        int c = c0;
        for (; c <= c1 - L; c += L) {
            FloatVector m = FloatVector.fromArray(S, mean, c), is = FloatVector.fromArray(S, invstd, c), g0 = zero, h0 = zero;
            for (int i = 0, e = c; i < n; i++, e += channels) {
                FloatVector g = FloatVector.fromArray(S, dy, e);
                if (y != null) g = zero.blend(g, FloatVector.fromArray(S, y, e).compare(VectorOperators.GT, 0f));
                g0 = g0.add(g);
                h0 = g.fma(FloatVector.fromArray(S, x, e).sub(m).mul(is), h0);
            }
            g0.intoArray(sumG, c);
            h0.intoArray(sumGX, c);
        }
        if (c < c1) super.batchNormSums(x, y, dy, mean, invstd, sumG, sumGX, n, channels, 1, c, c1);
    }

    /** Block partials in lanes[0..16), plus the tail partials when p has a tail, in the interface's tree. */
    private static float finish(float[] lanes, int mode, float[] a, float[] y, float[] mask, float m, float is,
                                int n, int channels, int p, int c) {
        int r = p & (LANES - 1);
        if (r > 0) {
            for (int l = 0; l < LANES; l++) lanes[l] += tail(mode, a, y, mask, m, is, l, r, n, channels, p, c);
        }
        return combine(lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5], lanes[6], lanes[7], lanes[8],
                lanes[9], lanes[10], lanes[11], lanes[12], lanes[13], lanes[14], lanes[15]);
    }

    @Override
    public void batchNorm(float[] x, float[] y, float[] mean, float[] scale, float[] shift, boolean relu,
                          int n, int channels, int p, int c0, int c1) {
        if (p == 1 && c1 - c0 >= L) {
            featureBatchNorm(x, y, mean, scale, shift, relu, n, channels, c0, c1);
            return;
        }
        for (int i = 0; i < n; i++) {
            for (int c = c0; c < c1; c++) {
                float mc = mean[c], ac = scale[c], bc = shift[c];
                FloatVector m = FloatVector.broadcast(S, mc), a = FloatVector.broadcast(S, ac), b = FloatVector.broadcast(S, bc);
                int at = (i * channels + c) * p, q = 0;
                for (; q <= p - L; q += L) {
                    FloatVector v = FloatVector.fromArray(S, x, at + q).sub(m).fma(a, b);
                    if (relu) v = v.max(0f);
                    v.intoArray(y, at + q);
                }
                for (; q < p; q++) {
                    float v = Math.fma(x[at + q] - mc, ac, bc);
                    y[at + q] = relu ? Math.max(v, 0f) : v;
                }
            }
        }
    }

    /** batchNorm over [N, F], vectors across the features of each row (the scalar's operations, lane by lane). */
    private void featureBatchNorm(float[] x, float[] y, float[] mean, float[] scale, float[] shift, boolean relu,
                                  int n, int channels, int c0, int c1) {
        int full = c0 + (c1 - c0) / L * L;
        for (int i = 0; i < n; i++) {
            int row = i * channels;
            for (int c = c0; c < full; c += L) {
                FloatVector v = FloatVector.fromArray(S, x, row + c).sub(FloatVector.fromArray(S, mean, c))
                        .fma(FloatVector.fromArray(S, scale, c), FloatVector.fromArray(S, shift, c));
                if (relu) v = v.max(0f);
                v.intoArray(y, row + c);
            }
        }
        if (full < c1) super.batchNorm(x, y, mean, scale, shift, relu, n, channels, 1, full, c1);
    }

    @Override
    public void batchNormBackward(float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd,
                                  float[] a, float[] b, float[] scale, int n, int channels, int p, int c0, int c1) {
        if (p == 1 && c1 - c0 >= L) {
            featureBatchNormBackward(x, y, dy, dx, mean, invstd, a, b, scale, n, channels, c0, c1);
            return;
        }
        for (int i = 0; i < n; i++) {
            for (int c = c0; c < c1; c++) {
                float mc = mean[c], isc = invstd[c], ac = a[c], bc = b[c], sc = scale[c];
                FloatVector m = FloatVector.broadcast(S, mc), is = FloatVector.broadcast(S, isc);
                FloatVector av = FloatVector.broadcast(S, ac), bv = FloatVector.broadcast(S, bc), s = FloatVector.broadcast(S, sc);
                int at = (i * channels + c) * p, q = 0;
                for (; q <= p - L; q += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, at + q);
                    if (y != null) g = FloatVector.zero(S).blend(g, FloatVector.fromArray(S, y, at + q).compare(VectorOperators.GT, 0f));
                    FloatVector xh = FloatVector.fromArray(S, x, at + q).sub(m).mul(is);
                    g.sub(xh.fma(bv, av)).mul(s).intoArray(dx, at + q);
                }
                for (; q < p; q++) {
                    float g = y == null || y[at + q] > 0f ? dy[at + q] : 0f;
                    float xh = (x[at + q] - mc) * isc;
                    dx[at + q] = (g - Math.fma(xh, bc, ac)) * sc;
                }
            }
        }
    }

    /** batchNormBackward over [N, F], vectors across the features of each row. */
    private void featureBatchNormBackward(float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd,
                                          float[] a, float[] b, float[] scale, int n, int channels, int c0, int c1) {
        int full = c0 + (c1 - c0) / L * L;
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            int row = i * channels;
            for (int c = c0; c < full; c += L) {
                int e = row + c;
                FloatVector g = FloatVector.fromArray(S, dy, e);
                if (y != null) g = zero.blend(g, FloatVector.fromArray(S, y, e).compare(VectorOperators.GT, 0f));
                FloatVector xh = FloatVector.fromArray(S, x, e).sub(FloatVector.fromArray(S, mean, c))
                        .mul(FloatVector.fromArray(S, invstd, c));
                g.sub(xh.fma(FloatVector.fromArray(S, b, c), FloatVector.fromArray(S, a, c)))
                        .mul(FloatVector.fromArray(S, scale, c)).intoArray(dx, e);
            }
        }
        if (full < c1) super.batchNormBackward(x, y, dy, dx, mean, invstd, a, b, scale, n, channels, 1, full, c1);
    }
}
