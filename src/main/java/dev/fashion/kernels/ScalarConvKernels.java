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

    /**
     * Stride 1 with the output as wide as the input ("same" padding, the reference CNN): a column row of
     * an image is the input plane shifted by (u - ph, v - pw), so it is copied as one run over all its
     * valid output rows, and only the entries that wrapped around a row edge are zeroed after. Per image
     * and channel that is kh·kw copies instead of kh·kw·oh (at 14x14, 3x3: 9 instead of 126); measured
     * at conv2's shape (32 channels, 14x14, 16 images) 0.72 ms per call the row-by-row way.
     */
    private static boolean sameRows(ConvShape g) {
        return g.sh() == 1 && g.sw() == 1 && g.ow() == g.w() && g.oh() == g.h();
    }

    @Override
    public void im2col(float[] x, float[] col, ConvShape g, int base, int cols, int i0, int i1) {
        if (sameRows(g)) {
            im2colSame(x, col, g, base, cols, i0, i1);
            return;
        }
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

    private static void im2colSame(float[] x, float[] col, ConvShape g, int base, int cols, int i0, int i1) {
        int h = g.h(), w = g.w(), p = h * w;
        for (int i = i0; i < i1; i++) {
            for (int c = 0; c < g.c(); c++) {
                int plane = (i * g.c() + c) * p;
                for (int u = 0; u < g.kh(); u++) {
                    for (int v = 0; v < g.kw(); v++) {
                        int dst = ((c * g.kh() + u) * g.kw() + v) * cols + (i - base) * p;
                        int dy = u - g.ph(), dx = v - g.pw();
                        // Output rows [y0, y1) read input rows y + dy inside the plane.
                        int y0 = Math.max(0, -dy), y1 = Math.min(h, h - dy);
                        if (y1 <= y0) {
                            Arrays.fill(col, dst, dst + p, 0f);
                            continue;
                        }
                        int from = y0 * w, to = y1 * w; // output positions of those rows
                        int shift = dy * w + dx;
                        // The run reads positions q + shift; clip it to the plane (its ends are padding anyway).
                        int q0 = Math.max(from, -shift), q1 = Math.min(to, p - shift);
                        Arrays.fill(col, dst, dst + q0, 0f);
                        System.arraycopy(x, plane + q0 + shift, col, dst + q0, q1 - q0);
                        Arrays.fill(col, dst + q1, dst + p, 0f);
                        // Columns whose input column ox + dx is outside the row read a neighbouring row: zero them.
                        int lo = Math.max(0, -dx), hi = Math.min(w, w - dx);
                        for (int y = y0; y < y1; y++) {
                            for (int ox = 0; ox < lo; ox++) col[dst + y * w + ox] = 0f;
                            for (int ox = hi; ox < w; ox++) col[dst + y * w + ox] = 0f;
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
        if (sameRows(g)) {
            col2imSame(col, dx, g, base, cols, i0, i1);
            return;
        }
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

    /**
     * col2im for {@link #sameRows}: each column row adds to the input plane shifted, as one run. The
     * entries that would wrap around a row edge (gradients of padding) are zeroed in col first, so adding
     * them changes nothing; col is the caller's scratch (dcol), used up by this call. Each dx element
     * still gets its contributions in row order, one per row, as the general loop adds them.
     */
    private void col2imSame(float[] col, float[] dx, ConvShape g, int base, int cols, int i0, int i1) {
        int h = g.h(), w = g.w(), p = h * w;
        for (int i = i0; i < i1; i++) {
            Arrays.fill(dx, i * g.c() * p, (i + 1) * g.c() * p, 0f);
            for (int c = 0; c < g.c(); c++) {
                int plane = (i * g.c() + c) * p;
                for (int u = 0; u < g.kh(); u++) {
                    for (int v = 0; v < g.kw(); v++) {
                        int src = ((c * g.kh() + u) * g.kw() + v) * cols + (i - base) * p;
                        int dy = u - g.ph(), dxs = v - g.pw();
                        int y0 = Math.max(0, -dy), y1 = Math.min(h, h - dy);
                        if (y1 <= y0) continue;
                        int shift = dy * w + dxs;
                        int q0 = Math.max(y0 * w, -shift), q1 = Math.min(y1 * w, p - shift);
                        int lo = Math.max(0, -dxs), hi = Math.min(w, w - dxs);
                        for (int y = y0; y < y1; y++) {
                            for (int ox = 0; ox < lo; ox++) col[src + y * w + ox] = 0f;
                            for (int ox = hi; ox < w; ox++) col[src + y * w + ox] = 0f;
                        }
                        addRow(col, src + q0, dx, plane + q0 + shift, 1, 0, q1 - q0);
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

    @Override
    public void fromPaddedRows(float[] t, int ldt, float[] dst, float[] bias, int channels, ConvShape g, int image) {
        int oh = g.oh(), ow = g.ow(), wp = g.paddedWidth();
        for (int c = 0; c < channels; c++) {
            for (int oy = 0; oy < oh; oy++) {
                int s = c * ldt + oy * wp, d = ((image * channels + c) * oh + oy) * ow;
                if (bias == null) {
                    System.arraycopy(t, s, dst, d, ow);
                } else {
                    float b = bias[c];
                    for (int q = 0; q < ow; q++) dst[d + q] = t[s + q] + b;
                }
            }
        }
    }

    // ---- pooling ---------------------------------------------------------------------------------------

    @Override
    public void maxPool(float[] x, float[] y, float[] argmax, ConvShape g, int from, int to) {
        if (g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2) {
            maxPool2x2(x, y, argmax, g, from, to);
            return;
        }
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

    /**
     * The 2x2, stride 2 pool of the reference CNN, unrolled: the same choice as the general loop (window
     * order, the first of equal maxima, NaN wins) without a branch per comparison. The windows hold ReLU
     * output, so "is the next value larger" is a coin toss that a branch mispredicts about half the time
     * (JMH, JDK 17, 1 thread, pool1's shape on ReLU output: 11.6 ms with branches, 7.9 ms without).
     */
    private static void maxPool2x2(float[] x, float[] y, float[] argmax, ConvShape g, int from, int to) {
        int oh = g.oh(), ow = g.ow(), w = g.w(), hw = g.h() * w, p = oh * ow;
        for (int plane = from; plane < to; plane++) {
            int xs = plane * hw, ys = plane * p;
            for (int oy = 0; oy < oh; oy++) windows2x2(x, y, argmax, xs, 2 * oy * w, w, ys + oy * ow, ow);
        }
    }

    /**
     * count 2x2 windows side by side, the first at plane position at of the plane starting at xs (rows w
     * apart): maxima to y and their plane positions to argmax, from index o.
     */
    protected static void windows2x2(float[] x, float[] y, float[] argmax, int xs, int at, int w, int o, int count) {
        for (int k = 0; k < count; k++, at += 2) {
            int best = firstMax2x2(x, xs + at, w);
            int at1 = at + (best & 1) + (best >> 1) * w;
            y[o + k] = x[xs + at1];
            argmax[o + k] = at1;
        }
    }

    /**
     * The general loop's choice in the 2x2 window at x[e] (a, b / c, d, rows w apart): 0..3 in window order.
     * Branch-free apart from a NaN test that a healthy run always passes the same way.
     */
    private static int firstMax2x2(float[] x, int e, int w) {
        float a = x[e], b = x[e + 1], c = x[e + w], d = x[e + w + 1];
        if (Float.isNaN(a) | Float.isNaN(b) | Float.isNaN(c) | Float.isNaN(d)) return firstMaxWithNaN(a, b, c, d);
        // Each step keeps the running max unless the next key is larger: the first of equal maxima wins.
        int m = orderKey(a), k = orderKey(b), gt = greater(k, m);
        int best = gt;
        m = select(gt, k, m);
        k = orderKey(c);
        gt = greater(k, m);
        best = select(gt, 2, best);
        m = select(gt, k, m);
        return select(greater(orderKey(d), m), 3, best);
    }

    /**
     * An int that orders as the float does (for non-NaN values), with -0 and +0 equal as floats compare:
     * positive floats order as their bits; negative ones reversed, shifted by one so -0 lands on 0.
     */
    private static int orderKey(float f) {
        int bits = Float.floatToRawIntBits(f), sign = bits >> 31;
        return (bits ^ (sign & 0x7fffffff)) - sign;
    }

    /** on (0 or 1) ? a : b, by masks: JDK 17's C2 compiles Math.max(int, int) to a branch. */
    private static int select(int on, int a, int b) {
        return b ^ ((a ^ b) & -on);
    }

    /** 1 if k &gt; m, else 0, by the sign of a long difference (no branch, no overflow). */
    private static int greater(int k, int m) {
        return (int) (((long) m - k) >>> 63);
    }

    /** The general loop's choice over a 2x2 window (a, b / c, d) holding a NaN: 0..3 in window order. */
    private static int firstMaxWithNaN(float a, float b, float c, float d) {
        int best = 0;
        float max = a;
        if (b > max || Float.isNaN(b) && !Float.isNaN(max)) {
            max = b;
            best = 1;
        }
        if (c > max || Float.isNaN(c) && !Float.isNaN(max)) {
            max = c;
            best = 2;
        }
        if (d > max || Float.isNaN(d) && !Float.isNaN(max)) best = 3;
        return best;
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

    // The reductions' terms (see reduce): Σ a; Σ (a - m)²; Σ g with g = a where mask > 0 (or mask null), else
    // +0; Σ g·(y - m)·is with that g, one FMA per term.
    protected static final int SUM = 0, SQUARES = 1, MASKED = 2, BY_X = 3;

    /**
     * The fixed tree over the sixteen partials every implementation uses: lanes l and l + 8 first (the two
     * halves of a 512-bit vector, or the two 256-bit vectors), then ((0+1)+(2+3))+((4+5)+(6+7)).
     */
    public static float combine(float r0, float r1, float r2, float r3, float r4, float r5, float r6, float r7,
                                float r8, float r9, float r10, float r11, float r12, float r13, float r14, float r15) {
        float s0 = r0 + r8, s1 = r1 + r9, s2 = r2 + r10, s3 = r3 + r11;
        float s4 = r4 + r12, s5 = r5 + r13, s6 = r6 + r14, s7 = r7 + r15;
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public void rowDots(float[] a, float[] b, float[] c, int m, int n, int k) {
        float[] s = DOT_LANES.get();
        int full = k & ~(LANES - 1);
        for (int o = 0; o < m; o++) {
            for (int t = 0; t < n; t++) {
                int ao = o * k, bo = t * k;
                java.util.Arrays.fill(s, 0f);
                // The sixteen chains side by side, a block of 16 products at a time.
                for (int j = 0; j < full; j += LANES) {
                    for (int l = 0; l < LANES; l++) s[l] = Math.fma(a[ao + j + l], b[bo + j + l], s[l]);
                }
                for (int l = 0; l < LANES; l++) s[l] = dotTail(a, ao, b, bo, k, l, s[l]);
                c[o * n + t] = combine(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11],
                        s[12], s[13], s[14], s[15]);
            }
        }
    }

    @Override
    public void rowDotsRows(float[] a, int ao, float[] b, int[] rows, float[] acc, int m, int n, int k, boolean first) {
        requireWholeBlocks(k);
        for (int o = 0; o < m; o++) {
            for (int t = 0; t < n; t++) {
                int ar = ao + o * k, br = rows[t], at = (o * n + t) * LANES;
                if (first) java.util.Arrays.fill(acc, at, at + LANES, 0f);
                for (int j = 0; j < k; j += LANES) {
                    for (int l = 0; l < LANES; l++) acc[at + l] = Math.fma(a[ar + j + l], b[br + j + l], acc[at + l]);
                }
            }
        }
    }

    /** rowDotsRows continues whole blocks of sixteen: a tail would need its own partials. */
    protected static void requireWholeBlocks(int k) {
        if (k % LANES != 0) throw new IllegalArgumentException("rowDotsRows needs a multiple of " + LANES + " products, not " + k);
    }

    private static final ThreadLocal<float[]> DOT_LANES = ThreadLocal.withInitial(() -> new float[LANES]);

    /** r_l of {@link #rowDots} from s_l: one more FMA when l is inside k's tail. */
    protected static float dotTail(float[] a, int ao, float[] b, int bo, int k, int l, float s) {
        int full = k & ~(LANES - 1);
        return full + l < k ? Math.fma(a[ao + full + l], b[bo + full + l], s) : s;
    }

    @Override
    public void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1) {
        for (int c = c0; c < c1; c++) sums[c] = reduce(SUM, x, null, null, 0f, 0f, n, channels, p, c);
    }

    @Override
    public void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1) {
        for (int c = c0; c < c1; c++) sums[c] = reduce(SQUARES, x, null, null, mean[c], 0f, n, channels, p, c);
    }

    @Override
    public void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                              float[] sumGX, int n, int channels, int p, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            sumG[c] = reduce(MASKED, dy, null, y, 0f, 0f, n, channels, p, c);
            sumGX[c] = reduce(BY_X, dy, x, y, mean[c], invstd[c], n, channels, p, c);
        }
    }

    /**
     * One channel's reduction in the interface's order, one partial at a time (each is its own chain, so
     * the order of the partials' loops does not matter): below {@link #LANES} positions one chain over
     * everything, image after image.
     */
    private static float reduce(int mode, float[] a, float[] y, float[] mask, float m, float is, int n, int channels,
                                int p, int c) {
        if (p < LANES) {
            float acc = 0f;
            for (int i = 0; i < n; i++) {
                for (int e = (i * channels + c) * p, end = e + p; e < end; e++) acc = term(mode, a, y, mask, m, is, e, acc);
            }
            return acc;
        }
        return combine(partial(mode, a, y, mask, m, is, 0, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 1, n, channels, p, c), partial(mode, a, y, mask, m, is, 2, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 3, n, channels, p, c), partial(mode, a, y, mask, m, is, 4, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 5, n, channels, p, c), partial(mode, a, y, mask, m, is, 6, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 7, n, channels, p, c), partial(mode, a, y, mask, m, is, 8, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 9, n, channels, p, c), partial(mode, a, y, mask, m, is, 10, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 11, n, channels, p, c), partial(mode, a, y, mask, m, is, 12, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 13, n, channels, p, c), partial(mode, a, y, mask, m, is, 14, n, channels, p, c),
                partial(mode, a, y, mask, m, is, 15, n, channels, p, c));
    }

    /** Block partial l (positions l, l + 16, ... of each image's whole blocks), plus its tail when p has one. */
    private static float partial(int mode, float[] a, float[] y, float[] mask, float m, float is, int l, int n,
                                 int channels, int p, int c) {
        int full = p & ~(LANES - 1), r = p - full;
        float s = 0f;
        for (int i = 0; i < n; i++) {
            int at = (i * channels + c) * p;
            for (int e = at + l; e < at + full; e += LANES) s = term(mode, a, y, mask, m, is, e, s);
        }
        return r == 0 ? s : s + tail(mode, a, y, mask, m, is, l, r, n, channels, p, c);
    }

    /** Tail partial l: position full + l of each image in turn; +0 when l is not below the tail's length r. */
    protected static float tail(int mode, float[] a, float[] y, float[] mask, float m, float is, int l, int r, int n,
                                int channels, int p, int c) {
        float t = 0f;
        if (l >= r) return t;
        for (int i = 0, e = (c + 1) * p - r + l; i < n; i++, e += channels * p) t = term(mode, a, y, mask, m, is, e, t);
        return t;
    }

    /** acc plus one term of the reduction {@code mode} at element e, the vector kernels' operations. */
    private static float term(int mode, float[] a, float[] y, float[] mask, float m, float is, int e, float acc) {
        switch (mode) {
            case SUM:
                return acc + a[e];
            case SQUARES: {
                float d = a[e] - m;
                return Math.fma(d, d, acc);
            }
            case MASKED:
                return acc + (mask == null || mask[e] > 0f ? a[e] : 0f);
            default: {
                float g = mask == null || mask[e] > 0f ? a[e] : 0f;
                return Math.fma(g, (y[e] - m) * is, acc);
            }
        }
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
