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
 * <p>The per-channel sums keep their eight block partials in one 8-lane vector whatever the hardware
 * width (a 512-bit vector would change the order, and the bits, on AVX-512 against AVX2): lane l is
 * partial s_l of the interface's order; the tail partials are scalar locals. Element-wise sweeps use the
 * widest species: their bits do not depend on the width.
 */
public final class VectorConvKernels extends ScalarConvKernels {

    private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
    private static final int L = S.length();
    /** The reductions' species: {@code LANES} partials, always. */
    private static final VectorSpecies<Float> R = FloatVector.SPECIES_256;
    /**
     * The reductions run on R only where R is the species of every other kernel (8 lanes: AVX2). With
     * 512-bit kernels, a second species in the same JVM broke JDK 17's matmul: the shared JDK methods
     * (fromArray, fma, intoArray) saw two vector classes in their profiles, C2 then could not prove a
     * micro-kernel's accumulators were 512-bit vectors, and left its stores un-intrinsified (boxed vectors,
     * "missing constant: vclass" under -XX:+PrintIntrinsics). The reference CNN trained 3.2x slower per
     * step, allocating on every step. There the eight partials are eight scalar chains, unrolled: the same
     * operations and order, about 1-2% of a CNN step.
     */
    private static final boolean VECTOR_SUMS = L == LANES;

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
     */

    @Override
    public void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1) {
        if (p < LANES) {
            super.channelSums(x, sums, n, channels, p, c0, c1);
            return;
        }
        if (!VECTOR_SUMS) {
            channelSumsUnrolled(x, null, sums, n, channels, p, c0, c1);
            return;
        }
        int full = p & ~(LANES - 1), r = p - full, blocks = n * (full / LANES);
        for (int c = c0; c < c1; c++) {
            FloatVector acc = FloatVector.zero(R);
            float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f, t4 = 0f, t5 = 0f, t6 = 0f;
            int i = 0, at = c * p, q = 0;
            for (int k = 0; k < blocks; k++) {
                acc = acc.add(FloatVector.fromArray(R, x, at + q));
                q += LANES;
                if (q == full) {
                    // The image's tail (up to 7 positions) in scalar partials: masked vector operations allocate on JDK 17.
                    int e = at + full;
                    if (r > 0) t0 += x[e];
                    if (r > 1) t1 += x[e + 1];
                    if (r > 2) t2 += x[e + 2];
                    if (r > 3) t3 += x[e + 3];
                    if (r > 4) t4 += x[e + 4];
                    if (r > 5) t5 += x[e + 5];
                    if (r > 6) t6 += x[e + 6];
                    q = 0;
                    i++;
                    at = (i * channels + c) * p;
                }
            }
            sums[c] = combine(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                    acc.lane(7), r, t0, t1, t2, t3, t4, t5, t6);
        }
    }

    @Override
    public void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1) {
        if (p < LANES) {
            super.channelSquaredDeviations(x, mean, sums, n, channels, p, c0, c1);
            return;
        }
        if (!VECTOR_SUMS) {
            channelSumsUnrolled(x, mean, sums, n, channels, p, c0, c1);
            return;
        }
        int full = p & ~(LANES - 1), r = p - full, blocks = n * (full / LANES);
        for (int c = c0; c < c1; c++) {
            float mc = mean[c];
            FloatVector m = FloatVector.broadcast(R, mc);
            FloatVector acc = FloatVector.zero(R);
            float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f, t4 = 0f, t5 = 0f, t6 = 0f;
            int i = 0, at = c * p, q = 0;
            for (int k = 0; k < blocks; k++) {
                FloatVector d = FloatVector.fromArray(R, x, at + q).sub(m);
                acc = d.fma(d, acc);
                q += LANES;
                if (q == full) {
                    int e = at + full;
                    if (r > 0) t0 = sq(x[e] - mc, t0);
                    if (r > 1) t1 = sq(x[e + 1] - mc, t1);
                    if (r > 2) t2 = sq(x[e + 2] - mc, t2);
                    if (r > 3) t3 = sq(x[e + 3] - mc, t3);
                    if (r > 4) t4 = sq(x[e + 4] - mc, t4);
                    if (r > 5) t5 = sq(x[e + 5] - mc, t5);
                    if (r > 6) t6 = sq(x[e + 6] - mc, t6);
                    q = 0;
                    i++;
                    at = (i * channels + c) * p;
                }
            }
            sums[c] = combine(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5), acc.lane(6),
                    acc.lane(7), r, t0, t1, t2, t3, t4, t5, t6);
        }
    }

    private static float sq(float d, float acc) {
        return Math.fma(d, d, acc);
    }

    @Override
    public void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                              float[] sumGX, int n, int channels, int p, int c0, int c1) {
        if (p < LANES) {
            super.batchNormSums(x, y, dy, mean, invstd, sumG, sumGX, n, channels, p, c0, c1);
            return;
        }
        if (!VECTOR_SUMS) {
            batchNormSumsUnrolled(x, y, dy, mean, invstd, sumG, sumGX, n, channels, p, c0, c1);
            return;
        }
        int full = p & ~(LANES - 1), r = p - full, blocks = n * (full / LANES);
        for (int c = c0; c < c1; c++) {
            float mc = mean[c], isc = invstd[c];
            FloatVector m = FloatVector.broadcast(R, mc), is = FloatVector.broadcast(R, isc);
            FloatVector sg = FloatVector.zero(R), sgx = FloatVector.zero(R);
            float g0 = 0f, g1 = 0f, g2 = 0f, g3 = 0f, g4 = 0f, g5 = 0f, g6 = 0f;
            float h0 = 0f, h1 = 0f, h2 = 0f, h3 = 0f, h4 = 0f, h5 = 0f, h6 = 0f;
            int i = 0, at = c * p, q = 0;
            for (int k = 0; k < blocks; k++) {
                FloatVector g = FloatVector.fromArray(R, dy, at + q);
                if (y != null) {
                    g = FloatVector.zero(R).blend(g, FloatVector.fromArray(R, y, at + q).compare(VectorOperators.GT, 0f));
                }
                FloatVector xh = FloatVector.fromArray(R, x, at + q).sub(m).mul(is);
                sg = sg.add(g);
                sgx = g.fma(xh, sgx);
                q += LANES;
                if (q == full) {
                    for (int j = 0, e = at + full; j < r; j++, e++) {
                        float gs = y == null || y[e] > 0f ? dy[e] : 0f;
                        float xs = (x[e] - mc) * isc;
                        switch (j) {
                            case 0 -> { g0 += gs; h0 = Math.fma(gs, xs, h0); }
                            case 1 -> { g1 += gs; h1 = Math.fma(gs, xs, h1); }
                            case 2 -> { g2 += gs; h2 = Math.fma(gs, xs, h2); }
                            case 3 -> { g3 += gs; h3 = Math.fma(gs, xs, h3); }
                            case 4 -> { g4 += gs; h4 = Math.fma(gs, xs, h4); }
                            case 5 -> { g5 += gs; h5 = Math.fma(gs, xs, h5); }
                            default -> { g6 += gs; h6 = Math.fma(gs, xs, h6); }
                        }
                    }
                    q = 0;
                    i++;
                    at = (i * channels + c) * p;
                }
            }
            sumG[c] = combine(sg.lane(0), sg.lane(1), sg.lane(2), sg.lane(3), sg.lane(4), sg.lane(5), sg.lane(6),
                    sg.lane(7), r, g0, g1, g2, g3, g4, g5, g6);
            sumGX[c] = combine(sgx.lane(0), sgx.lane(1), sgx.lane(2), sgx.lane(3), sgx.lane(4), sgx.lane(5), sgx.lane(6),
                    sgx.lane(7), r, h0, h1, h2, h3, h4, h5, h6);
        }
    }

    // The same reductions without R (see VECTOR_SUMS): partial l as scalar chain s_l over positions l, l+8, ...
    // of each image's whole blocks, then the tail partials, exactly as the vector loops above. The tails are
    // separate chains, so they run in loops of their own, one tail partial at a time, after the blocks: the
    // block loop then keeps only its own accumulators live (8 or 16 floats, in registers; with the 7 or 14
    // tail partials beside them it spilled: bn1's backward sums took 5 ms a batch on one thread).

    /** Σ x (mean null) or Σ (x - mean)² per channel: one method, the branch on mean is loop-invariant. */
    private void channelSumsUnrolled(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1) {
        int full = p & ~(LANES - 1), r = p - full;
        boolean squares = mean != null;
        for (int c = c0; c < c1; c++) {
            float mc = squares ? mean[c] : 0f;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int i = 0; i < n; i++) {
                int at = (i * channels + c) * p;
                for (int e = at; e < at + full; e += LANES) {
                    s0 = term(squares, x[e], mc, s0);
                    s1 = term(squares, x[e + 1], mc, s1);
                    s2 = term(squares, x[e + 2], mc, s2);
                    s3 = term(squares, x[e + 3], mc, s3);
                    s4 = term(squares, x[e + 4], mc, s4);
                    s5 = term(squares, x[e + 5], mc, s5);
                    s6 = term(squares, x[e + 6], mc, s6);
                    s7 = term(squares, x[e + 7], mc, s7);
                }
            }
            if (r == 0) {
                sums[c] = combine(s0, s1, s2, s3, s4, s5, s6, s7);
            } else {
                // As combine(..., r, t0..t6): every s_l plus its tail partial (+0f where there is none).
                sums[c] = combine(s0 + tail(x, mc, squares, 0, r, n, channels, p, c),
                        s1 + tail(x, mc, squares, 1, r, n, channels, p, c), s2 + tail(x, mc, squares, 2, r, n, channels, p, c),
                        s3 + tail(x, mc, squares, 3, r, n, channels, p, c), s4 + tail(x, mc, squares, 4, r, n, channels, p, c),
                        s5 + tail(x, mc, squares, 5, r, n, channels, p, c), s6 + tail(x, mc, squares, 6, r, n, channels, p, c),
                        s7 + 0f);
            }
        }
    }

    /** Tail partial l of {@link #channelSumsUnrolled}: position full + l of each image in turn (0f when l >= r). */
    private static float tail(float[] x, float mc, boolean squares, int l, int r, int n, int channels, int p, int c) {
        float t = 0f;
        if (l >= r) return t;
        for (int i = 0, e = (c + 1) * p - r + l; i < n; i++, e += channels * p) t = term(squares, x[e], mc, t);
        return t;
    }

    /** The vector loops' per-element step: acc + v, or fma(v - m, v - m, acc). */
    private static float term(boolean squares, float v, float m, float acc) {
        return squares ? sq(v - m, acc) : acc + v;
    }

    /** sumG over the masked gradient g and sumGX over g·x̂: block partials, then the tails, as the vector loop. */
    private void batchNormSumsUnrolled(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                                       float[] sumGX, int n, int channels, int p, int c0, int c1) {
        int full = p & ~(LANES - 1), r = p - full;
        for (int c = c0; c < c1; c++) {
            float mc = mean[c], isc = invstd[c];
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            float u0 = 0f, u1 = 0f, u2 = 0f, u3 = 0f, u4 = 0f, u5 = 0f, u6 = 0f, u7 = 0f;
            for (int i = 0; i < n; i++) {
                int at = (i * channels + c) * p;
                for (int e = at; e < at + full; e += LANES) {
                    float v;
                    v = grad(y, dy, e);
                    s0 += v;
                    u0 = Math.fma(v, (x[e] - mc) * isc, u0);
                    v = grad(y, dy, e + 1);
                    s1 += v;
                    u1 = Math.fma(v, (x[e + 1] - mc) * isc, u1);
                    v = grad(y, dy, e + 2);
                    s2 += v;
                    u2 = Math.fma(v, (x[e + 2] - mc) * isc, u2);
                    v = grad(y, dy, e + 3);
                    s3 += v;
                    u3 = Math.fma(v, (x[e + 3] - mc) * isc, u3);
                    v = grad(y, dy, e + 4);
                    s4 += v;
                    u4 = Math.fma(v, (x[e + 4] - mc) * isc, u4);
                    v = grad(y, dy, e + 5);
                    s5 += v;
                    u5 = Math.fma(v, (x[e + 5] - mc) * isc, u5);
                    v = grad(y, dy, e + 6);
                    s6 += v;
                    u6 = Math.fma(v, (x[e + 6] - mc) * isc, u6);
                    v = grad(y, dy, e + 7);
                    s7 += v;
                    u7 = Math.fma(v, (x[e + 7] - mc) * isc, u7);
                }
            }
            if (r == 0) {
                sumG[c] = combine(s0, s1, s2, s3, s4, s5, s6, s7);
                sumGX[c] = combine(u0, u1, u2, u3, u4, u5, u6, u7);
            } else {
                sumG[c] = combine(s0 + gradTail(x, y, dy, mc, isc, false, 0, r, n, channels, p, c),
                        s1 + gradTail(x, y, dy, mc, isc, false, 1, r, n, channels, p, c),
                        s2 + gradTail(x, y, dy, mc, isc, false, 2, r, n, channels, p, c),
                        s3 + gradTail(x, y, dy, mc, isc, false, 3, r, n, channels, p, c),
                        s4 + gradTail(x, y, dy, mc, isc, false, 4, r, n, channels, p, c),
                        s5 + gradTail(x, y, dy, mc, isc, false, 5, r, n, channels, p, c),
                        s6 + gradTail(x, y, dy, mc, isc, false, 6, r, n, channels, p, c), s7 + 0f);
                sumGX[c] = combine(u0 + gradTail(x, y, dy, mc, isc, true, 0, r, n, channels, p, c),
                        u1 + gradTail(x, y, dy, mc, isc, true, 1, r, n, channels, p, c),
                        u2 + gradTail(x, y, dy, mc, isc, true, 2, r, n, channels, p, c),
                        u3 + gradTail(x, y, dy, mc, isc, true, 3, r, n, channels, p, c),
                        u4 + gradTail(x, y, dy, mc, isc, true, 4, r, n, channels, p, c),
                        u5 + gradTail(x, y, dy, mc, isc, true, 5, r, n, channels, p, c),
                        u6 + gradTail(x, y, dy, mc, isc, true, 6, r, n, channels, p, c), u7 + 0f);
            }
        }
    }

    /** Tail partial l of {@link #batchNormSumsUnrolled}'s Σ g (or, with byX, Σ g·x̂); 0f when l >= r. */
    private static float gradTail(float[] x, float[] y, float[] dy, float mc, float isc, boolean byX, int l, int r,
                                  int n, int channels, int p, int c) {
        float t = 0f;
        if (l >= r) return t;
        for (int i = 0, e = (c + 1) * p - r + l; i < n; i++, e += channels * p) {
            float g = grad(y, dy, e);
            t = byX ? Math.fma(g, (x[e] - mc) * isc, t) : t + g;
        }
        return t;
    }

    /**
     * dy where the fused ReLU passed it (y &gt; 0, or no ReLU), else +0: the vector loop's blend, by a bit
     * mask. y is ReLU output, positive about half the time at random, and the branch this replaces
     * mispredicted that often. y &gt; 0 exactly when its bits, less one, are below +infinity's as
     * unsigned numbers (zeros, negatives and NaNs are not).
     */
    private static float grad(float[] y, float[] dy, int e) {
        if (y == null) return dy[e];
        long below = ((Float.floatToRawIntBits(y[e]) - 1) & 0xffffffffL) - 0x7f800000L;
        int pass = (int) -(below >>> 63);
        return Float.intBitsToFloat(Float.floatToRawIntBits(dy[e]) & pass);
    }

    /**
     * The interface's combination: block partial l (lanes extracted by the caller: a vector passed to a
     * method that is not inlined is boxed, and the loop's accumulator with it, on every iteration) plus
     * tail partial l when there is a tail, in the fixed tree.
     */
    private static float combine(float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7, int r,
                                 float t0, float t1, float t2, float t3, float t4, float t5, float t6) {
        if (r == 0) return combine(v0, v1, v2, v3, v4, v5, v6, v7);
        return combine(v0 + t0, v1 + t1, v2 + t2, v3 + t3, v4 + t4, v5 + t5, v6 + t6, v7 + 0f);
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
