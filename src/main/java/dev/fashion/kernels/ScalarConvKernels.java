package dev.fashion.kernels;

import java.util.Arrays;

/**
 * The plain-Java baseline of {@link ConvKernels}: one element at a time, in exactly the order the vector
 * kernels use (see the interface), so both give the same bits. The data moves (im2col, the layout
 * changes) are row copies with {@link System#arraycopy}, which the JIT already turns into vector moves:
 * the vector kernels inherit them.
 */
public class ScalarConvKernels implements ConvKernels {

    @Override
    public String name() {
        return "scalar";
    }

    // ---- convolution lowering --------------------------------------------------------------------------

    @Override
    public void im2col(float[] x, float[] col, ConvShape g, int base, int cols, int i0, int i1) {
        int oh = g.oh(), ow = g.ow(), p = oh * ow, hw = g.h() * g.w();
        for (int i = i0; i < i1; i++) {
            int xi = i * g.c() * hw;
            int ci0 = (i - base) * p;
            for (int c = 0; c < g.c(); c++) {
                for (int u = 0; u < g.kh(); u++) {
                    for (int v = 0; v < g.kw(); v++) {
                        int row = ((c * g.kh() + u) * g.kw() + v) * cols + ci0;
                        // Output columns [lo, hi) read inside the input row; the rest is padding.
                        int lo = Math.max(0, ceilDiv(g.pw() - v, g.sw()));
                        int hi = Math.min(ow, ceilDiv(g.w() + g.pw() - v, g.sw()));
                        if (hi < lo) hi = lo;
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * g.sh() - g.ph() + u;
                            int dst = row + oy * ow;
                            if (iy < 0 || iy >= g.h()) {
                                Arrays.fill(col, dst, dst + ow, 0f);
                                continue;
                            }
                            int src = xi + c * hw + iy * g.w() - g.pw() + v;
                            if (lo > 0) Arrays.fill(col, dst, dst + lo, 0f);
                            if (g.sw() == 1) {
                                System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                            } else {
                                for (int ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox * g.sw()];
                            }
                            if (hi < ow) Arrays.fill(col, dst + hi, dst + ow, 0f);
                        }
                    }
                }
            }
        }
    }

    /** ceil(a / b) for b &gt; 0 and any a. */
    protected static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public void col2im(float[] col, float[] dx, ConvShape g, int base, int cols, int i0, int i1) {
        int oh = g.oh(), ow = g.ow(), p = oh * ow, hw = g.h() * g.w();
        for (int i = i0; i < i1; i++) {
            int xi = i * g.c() * hw;
            Arrays.fill(dx, xi, xi + g.c() * hw, 0f);
            int ci0 = (i - base) * p;
            for (int c = 0; c < g.c(); c++) {
                for (int u = 0; u < g.kh(); u++) {
                    for (int v = 0; v < g.kw(); v++) {
                        int row = ((c * g.kh() + u) * g.kw() + v) * cols + ci0;
                        int lo = Math.max(0, ceilDiv(g.pw() - v, g.sw()));
                        int hi = Math.min(ow, ceilDiv(g.w() + g.pw() - v, g.sw()));
                        for (int oy = 0; oy < oh; oy++) {
                            int iy = oy * g.sh() - g.ph() + u;
                            if (iy < 0 || iy >= g.h()) continue;
                            int dst = xi + c * hw + iy * g.w() - g.pw() + v;
                            addRow(col, row + oy * ow, dx, dst, g.sw(), lo, hi);
                        }
                    }
                }
            }
        }
    }

    /** dx[dst + ox·stride] += col[src + ox] for ox in [lo, hi): one output row's share of an input row. */
    protected void addRow(float[] col, int src, float[] dx, int dst, int stride, int lo, int hi) {
        for (int ox = lo; ox < hi; ox++) dx[dst + ox * stride] += col[src + ox];
    }

    @Override
    public void toChannelMajor(float[] src, float[] dst, int channels, int p, int base, int cols, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, (i * channels + c) * p, dst, c * cols + (i - base) * p, p);
            }
        }
    }

    @Override
    public void fromChannelMajor(float[] src, float[] dst, float[] bias, int channels, int p, int base, int cols,
                                 int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            for (int c = 0; c < channels; c++) {
                int s = c * cols + (i - base) * p, d = (i * channels + c) * p;
                if (bias == null) {
                    System.arraycopy(src, s, dst, d, p);
                } else {
                    float b = bias[c];
                    for (int q = 0; q < p; q++) dst[d + q] = src[s + q] + b;
                }
            }
        }
    }

    // ---- pooling ---------------------------------------------------------------------------------------

    @Override
    public void maxPool(float[] x, float[] y, float[] argmax, ConvShape g, int from, int to) {
        int oh = g.oh(), ow = g.ow(), hw = g.h() * g.w(), p = oh * ow;
        for (int plane = from; plane < to; plane++) {
            int xs = plane * hw, ys = plane * p;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * g.sh(), x0 = ox * g.sw();
                    int best = y0 * g.w() + x0;
                    float max = x[xs + best];
                    for (int u = 0; u < g.kh(); u++) {
                        for (int v = 0; v < g.kw(); v++) {
                            int at = (y0 + u) * g.w() + x0 + v;
                            float val = x[xs + at];
                            // NaN propagates, as in PyTorch: a window holding one yields NaN.
                            if (val > max || Float.isNaN(val) && !Float.isNaN(max)) {
                                max = val;
                                best = at;
                            }
                        }
                    }
                    y[ys + oy * ow + ox] = max;
                    argmax[ys + oy * ow + ox] = best;
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(float[] dy, float[] argmax, float[] dx, ConvShape g, int from, int to) {
        int hw = g.h() * g.w(), p = g.oh() * g.ow();
        for (int plane = from; plane < to; plane++) {
            int xs = plane * hw, ys = plane * p;
            Arrays.fill(dx, xs, xs + hw, 0f);
            for (int q = 0; q < p; q++) dx[xs + (int) argmax[ys + q]] += dy[ys + q];
        }
    }

    @Override
    public void avgPool(float[] x, float[] y, ConvShape g, int from, int to) {
        int oh = g.oh(), ow = g.ow(), hw = g.h() * g.w(), p = oh * ow;
        float inv = 1f / (g.kh() * g.kw());
        for (int plane = from; plane < to; plane++) {
            int xs = plane * hw, ys = plane * p;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int base = xs + oy * g.sh() * g.w() + ox * g.sw();
                    float s = 0f;
                    for (int u = 0; u < g.kh(); u++) {
                        for (int v = 0; v < g.kw(); v++) s += x[base + u * g.w() + v];
                    }
                    y[ys + oy * ow + ox] = s * inv;
                }
            }
        }
    }

    @Override
    public void avgPoolBackward(float[] dy, float[] dx, ConvShape g, int from, int to) {
        int oh = g.oh(), ow = g.ow(), hw = g.h() * g.w(), p = oh * ow;
        float inv = 1f / (g.kh() * g.kw());
        for (int plane = from; plane < to; plane++) {
            int xs = plane * hw, ys = plane * p;
            Arrays.fill(dx, xs, xs + hw, 0f);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float d = dy[ys + oy * ow + ox] * inv;
                    int base = xs + oy * g.sh() * g.w() + ox * g.sw();
                    for (int u = 0; u < g.kh(); u++) {
                        for (int v = 0; v < g.kw(); v++) dx[base + u * g.w() + v] += d;
                    }
                }
            }
        }
    }

    // ---- per-channel reductions and batch normalisation -----------------------------------------------------

    /** Combines the partial sums in the fixed tree every implementation uses. */
    public static float combine(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7) {
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1) {
        for (int c = c0; c < c1; c++) sums[c] = sum(x, null, null, 0f, 0f, n, channels, p, c);
    }

    @Override
    public void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1) {
        for (int c = c0; c < c1; c++) sums[c] = sum(x, x, null, mean[c], 1f, n, channels, p, c);
    }

    /**
     * One channel's reduction in the interface's order, over eight named partials (no array: nothing is
     * allocated). Terms: a = x when y is null; else, with y the mask of a fused ReLU (when mask is not null)
     * g = mask &gt; 0 ? a : 0, and the term is fma(g, (y - m)·is, ·) where y's role is x and a's is dy; when
     * mask is null and y == x the term is fma(x - m, x - m, ·).
     */
    private static float sum(float[] a, float[] y, float[] mask, float m, float is, int n, int channels, int p, int c) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        for (int i = 0; i < n; i++) {
            int at = (i * channels + c) * p;
            for (int q = 0; q < p; q++) {
                float t = a[at + q];
                float acc = p < LANES ? s0 : switch (q & 7) {
                    case 0 -> s0; case 1 -> s1; case 2 -> s2; case 3 -> s3;
                    case 4 -> s4; case 5 -> s5; case 6 -> s6; default -> s7;
                };
                if (y == null) {
                    acc += t;
                } else if (y == a && mask == null) {
                    float d = t - m;
                    acc = Math.fma(d, d, acc);
                } else {
                    float g = mask == null || mask[at + q] > 0f ? t : 0f;
                    acc = Math.fma(g, (y[at + q] - m) * is, acc);
                }
                if (p < LANES) {
                    s0 = acc;
                    continue;
                }
                switch (q & 7) {
                    case 0 -> s0 = acc; case 1 -> s1 = acc; case 2 -> s2 = acc; case 3 -> s3 = acc;
                    case 4 -> s4 = acc; case 5 -> s5 = acc; case 6 -> s6 = acc; default -> s7 = acc;
                }
            }
        }
        return p < LANES ? s0 : combine(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    @Override
    public void batchNorm(float[] x, float[] y, float[] mean, float[] scale, float[] shift, boolean relu,
                          int n, int channels, int p, int c0, int c1) {
        for (int i = 0; i < n; i++) {
            for (int c = c0; c < c1; c++) {
                float m = mean[c], a = scale[c], b = shift[c];
                for (int q = 0, at = (i * channels + c) * p; q < p; q++) {
                    float v = Math.fma(x[at + q] - m, a, b);
                    y[at + q] = relu ? Math.max(v, 0f) : v;
                }
            }
        }
    }

    @Override
    public void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                              float[] sumGX, int n, int channels, int p, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            sumG[c] = y == null ? sum(dy, null, null, 0f, 0f, n, channels, p, c) : maskedSum(dy, y, n, channels, p, c);
            sumGX[c] = sum(dy, x, y, mean[c], invstd[c], n, channels, p, c);
        }
    }

    /** Σ (y &gt; 0 ? dy : 0) in the interface's order. */
    private static float maskedSum(float[] dy, float[] y, int n, int channels, int p, int c) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        for (int i = 0; i < n; i++) {
            int at = (i * channels + c) * p;
            for (int q = 0; q < p; q++) {
                float g = y[at + q] > 0f ? dy[at + q] : 0f;
                if (p < LANES) {
                    s0 += g;
                    continue;
                }
                switch (q & 7) {
                    case 0 -> s0 += g; case 1 -> s1 += g; case 2 -> s2 += g; case 3 -> s3 += g;
                    case 4 -> s4 += g; case 5 -> s5 += g; case 6 -> s6 += g; default -> s7 += g;
                }
            }
        }
        return p < LANES ? s0 : combine(s0, s1, s2, s3, s4, s5, s6, s7);
    }

    @Override
    public void batchNormBackward(float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd,
                                  float[] a, float[] b, float[] scale, int n, int channels, int p, int c0, int c1) {
        for (int i = 0; i < n; i++) {
            for (int c = c0; c < c1; c++) {
                float m = mean[c], is = invstd[c], ac = a[c], bc = b[c], sc = scale[c];
                for (int q = 0, at = (i * channels + c) * p; q < p; q++) {
                    float g = y == null || y[at + q] > 0f ? dy[at + q] : 0f;
                    float xh = (x[at + q] - m) * is;
                    dx[at + q] = (g - Math.fma(xh, bc, ac)) * sc;
                }
            }
        }
    }
}
