package dev.fashion.kernels.vector;

import dev.fashion.kernels.ScalarConvKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the arithmetic {@link dev.fashion.kernels.ConvKernels}: batch norm's sweeps and
 * per-channel sums, and col2im's row additions. The rest is inherited: im2col and the layout changes are
 * {@link System#arraycopy} row copies (already vector moves), and pooling reads strided windows that
 * need shuffles to vectorize, a small share of a step (see bench's per-layer table).
 *
 * <p>The per-channel sums keep their eight partials in one 8-lane vector whatever the hardware width
 * (a 512-bit vector would change the order, and the bits, on AVX-512 against AVX2): lane l is partial l
 * of the interface's order, and a position past an image's end is masked off (the lane keeps its value,
 * as the scalar loop skips it). Element-wise sweeps use the widest species: their bits do not depend
 * on the width.
 */
public final class VectorConvKernels extends ScalarConvKernels {

    private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
    private static final int L = S.length();
    /** The reductions' species: {@code LANES} partials, always. */
    private static final VectorSpecies<Float> R = FloatVector.SPECIES_256;

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

    @Override
    public void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1) {
        if (p < LANES) {
            super.channelSums(x, sums, n, channels, p, c0, c1);
            return;
        }
        int full = p & ~(LANES - 1);
        VectorMask<Float> tail = R.indexInRange(full, p);
        for (int c = c0; c < c1; c++) {
            FloatVector acc = FloatVector.zero(R);
            for (int i = 0; i < n; i++) {
                int at = (i * channels + c) * p;
                for (int q = 0; q < full; q += LANES) acc = acc.add(FloatVector.fromArray(R, x, at + q));
                if (full < p) acc = acc.add(FloatVector.fromArray(R, x, at + full, tail), tail);
            }
            sums[c] = combine(acc);
        }
    }

    @Override
    public void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1) {
        if (p < LANES) {
            super.channelSquaredDeviations(x, mean, sums, n, channels, p, c0, c1);
            return;
        }
        int full = p & ~(LANES - 1);
        VectorMask<Float> tail = R.indexInRange(full, p);
        for (int c = c0; c < c1; c++) {
            FloatVector m = FloatVector.broadcast(R, mean[c]);
            FloatVector acc = FloatVector.zero(R);
            for (int i = 0; i < n; i++) {
                int at = (i * channels + c) * p;
                for (int q = 0; q < full; q += LANES) {
                    FloatVector d = FloatVector.fromArray(R, x, at + q).sub(m);
                    acc = d.fma(d, acc);
                }
                if (full < p) {
                    FloatVector d = FloatVector.fromArray(R, x, at + full, tail).sub(m);
                    acc = acc.blend(d.fma(d, acc), tail);
                }
            }
            sums[c] = combine(acc);
        }
    }

    @Override
    public void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                              float[] sumGX, int n, int channels, int p, int c0, int c1) {
        if (p < LANES) {
            super.batchNormSums(x, y, dy, mean, invstd, sumG, sumGX, n, channels, p, c0, c1);
            return;
        }
        int full = p & ~(LANES - 1);
        VectorMask<Float> tail = R.indexInRange(full, p);
        FloatVector zero = FloatVector.zero(R);
        for (int c = c0; c < c1; c++) {
            FloatVector m = FloatVector.broadcast(R, mean[c]), is = FloatVector.broadcast(R, invstd[c]);
            FloatVector sg = zero, sgx = zero;
            for (int i = 0; i < n; i++) {
                int at = (i * channels + c) * p;
                for (int q = 0; q < full; q += LANES) {
                    FloatVector g = FloatVector.fromArray(R, dy, at + q);
                    if (y != null) g = zero.blend(g, FloatVector.fromArray(R, y, at + q).compare(VectorOperators.GT, 0f));
                    FloatVector xh = FloatVector.fromArray(R, x, at + q).sub(m).mul(is);
                    sg = sg.add(g);
                    sgx = g.fma(xh, sgx);
                }
                if (full < p) {
                    FloatVector g = FloatVector.fromArray(R, dy, at + full, tail);
                    if (y != null) {
                        g = zero.blend(g, FloatVector.fromArray(R, y, at + full, tail).compare(VectorOperators.GT, 0f));
                    }
                    FloatVector xh = FloatVector.fromArray(R, x, at + full, tail).sub(m).mul(is);
                    sg = sg.add(g, tail);
                    sgx = sgx.blend(g.fma(xh, sgx), tail);
                }
            }
            sumG[c] = combine(sg);
            sumGX[c] = combine(sgx);
        }
    }

    private static float combine(FloatVector v) {
        return combine(v.lane(0), v.lane(1), v.lane(2), v.lane(3), v.lane(4), v.lane(5), v.lane(6), v.lane(7));
    }

    @Override
    public void batchNorm(float[] x, float[] y, float[] mean, float[] scale, float[] shift, boolean relu,
                          int n, int channels, int p, int c0, int c1) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            for (int c = c0; c < c1; c++) {
                float mc = mean[c], ac = scale[c], bc = shift[c];
                FloatVector m = FloatVector.broadcast(S, mc), a = FloatVector.broadcast(S, ac), b = FloatVector.broadcast(S, bc);
                int at = (i * channels + c) * p, q = 0;
                for (; q <= p - L; q += L) {
                    FloatVector v = FloatVector.fromArray(S, x, at + q).sub(m).fma(a, b);
                    if (relu) v = v.max(zero);
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
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < n; i++) {
            for (int c = c0; c < c1; c++) {
                float mc = mean[c], isc = invstd[c], ac = a[c], bc = b[c], sc = scale[c];
                FloatVector m = FloatVector.broadcast(S, mc), is = FloatVector.broadcast(S, isc);
                FloatVector av = FloatVector.broadcast(S, ac), bv = FloatVector.broadcast(S, bc), s = FloatVector.broadcast(S, sc);
                int at = (i * channels + c) * p, q = 0;
                for (; q <= p - L; q += L) {
                    FloatVector g = FloatVector.fromArray(S, dy, at + q);
                    if (y != null) g = zero.blend(g, FloatVector.fromArray(S, y, at + q).compare(VectorOperators.GT, 0f));
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
