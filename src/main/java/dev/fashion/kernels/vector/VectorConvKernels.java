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

    @Override
    public void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1) {
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

    @Override
    public void batchNormBackward(float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd,
                                  float[] a, float[] b, float[] scale, int n, int channels, int p, int c0, int c1) {
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
}
