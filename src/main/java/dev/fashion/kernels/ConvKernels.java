package dev.fashion.kernels;

/**
 * Kernels of the convolutional layers, beside {@link Kernels} (whose packed matmul does a convolution's
 * arithmetic): the lowering of a convolution to a matmul (im2col and its adjoint col2im), the layout
 * moves around it, pooling, and batch normalisation's per-channel reductions and sweeps. A scalar
 * baseline ({@link ScalarConvKernels}) and a Vector API one ({@code vector.VectorConvKernels}), chosen
 * with the {@link Kernels} by {@link KernelProvider#convKernels(Kernels)}.
 *
 * <p>Layout: activations are NCHW, {@code [n, c, p]} with p = h·w positions per channel. A column matrix
 * is channel-major, {@code [rows, cols]} with cols = images·positions, image after image: the matmul then
 * sees one wide problem per layer instead of one small one per image.
 *
 * <p>Every call computes a range of images {@code [i0, i1)} or channels {@code [c0, c1)} so a scheduler
 * can split it. Reproducible as {@link Kernels}: each output element comes from one fixed sequence of
 * operations, the same in both implementations. Per-channel sums (batch norm's statistics and gradients,
 * a convolution's bias gradient) are the only reductions: with p of at least {@value #LANES} positions
 * they keep {@value #LANES} partial sums s_l over the whole blocks of 16 (s_l takes positions l, l+16, ...
 * below full = p rounded down to 16, image after image); when p has a tail (r = p - full &gt; 0), r_l =
 * s_l + t_l with t_l the chain over position full + l of each image in turn (+0 for l &ge; r), else r_l =
 * s_l; then the tree ((q0+q1)+(q2+q3))+((q4+q5)+(q6+q7)) over q_l = r_l + r_(l+8). With fewer positions
 * (batch norm over [N, features]) one running sum over images. So the order is fixed by the data's shape
 * alone: not by the vector width (16 partials are one 512-bit vector or two 256-bit ones), the kernels
 * or the thread count. (The tails are separate partials so the vector code adds them in scalar code:
 * JDK 17 allocates for masked vector operations it does not intrinsify.)
 */
public interface ConvKernels {

    /** Partial sums of a per-channel reduction; see the class comment. */
    int LANES = 16;

    /** "scalar" or "vector". */
    String name();

    // ---- convolution lowering --------------------------------------------------------------------------

    /**
     * Writes the columns of images [i0, i1) of x ({@code [*, g.c, g.h, g.w]}) into col ({@code [g.patch(),
     * cols]}): image i's position q goes to column (i - base)·positions + q, row (ci·kh + u)·kw + v holds
     * x[i, ci, oy·sh - ph + u, ox·sw - pw + v], 0 outside the input.
     */
    void im2col(float[] x, float[] col, ConvShape g, int base, int cols, int i0, int i1);

    /**
     * The adjoint of {@link #im2col}: sets dx for images [i0, i1) to the sum of the column entries each
     * input value was copied to, in row order. May set the entries of col that correspond to padding to
     * 0 (it is the caller's scratch, consumed by this call).
     */
    void col2im(float[] col, float[] dx, ConvShape g, int base, int cols, int i0, int i1);

    /** dst[ci, (i - base)·p + q] = src[i, ci, q] for images [i0, i1): NCHW to channel-major. */
    void toChannelMajor(float[] src, float[] dst, int channels, int p, int base, int cols, int i0, int i1);

    /** dst[i, ci, q] = src[ci, (i - base)·p + q] (+ bias[ci] when bias is not null): channel-major to NCHW. */
    void fromChannelMajor(float[] src, float[] dst, float[] bias, int channels, int p, int base, int cols, int i0, int i1);

    /**
     * c[o·n + t] = Σ_j a[o·k + j]·b[t·k + j] for o in [0, m) and t in [0, n): products of rows that are both
     * contiguous along k, for a convolution's weight gradient when the patch is a few taps (dY [out, cols]
     * times the columns [patch, cols] transposed), where a matmul's register tile would be mostly padding.
     * Each sum in a fixed order: sixteen partials s_l, the FMA chain over j = l, l + 16, ... below full = k
     * rounded down to 16; when k has a tail (r = k - full &gt; 0), r_l = fma(a[full + l], b[full + l], s_l)
     * for l &lt; r, else r_l = s_l; then {@link #channelSums}'s tree over the r_l.
     */
    void rowDots(float[] a, float[] b, float[] c, int m, int n, int k);

    // ---- direct (stride-1) convolution: Kernels#matmulRows over an image's padded planes ---------------

    /**
     * Writes image {@code image} of x ({@code [*, g.c, g.h, g.w]}) into xp as its zero-padded planes
     * {@code [g.c, h + 2·ph, w + 2·pw]} (the first {@link ConvShape#paddedSize()} values; the rest of xp is
     * left alone). Row copies: the same in both implementations.
     */
    default void padImage(float[] x, int image, ConvShape g, float[] xp) {
        int h = g.h(), w = g.w(), ph = g.ph(), pw = g.pw(), wp = g.paddedWidth(), hp = h + 2 * ph;
        java.util.Arrays.fill(xp, 0, g.paddedSize(), 0f);
        for (int ci = 0; ci < g.c(); ci++) {
            int src = (image * g.c() + ci) * h * w, dst = ci * hp * wp + ph * wp + pw;
            for (int y = 0; y < h; y++) System.arraycopy(x, src + y * w, xp, dst + y * wp, w);
        }
    }

    /**
     * Image {@code image} of src ({@code [*, channels, g.oh(), g.ow()]}, a convolution's output or its
     * gradient) at the direct form's row layout: dst[ci·oh·wp + oy·wp + ox] = src[image, ci, oy, ox] for
     * ox &lt; ow and 0 for the wp - ow padding columns (wp = g.paddedWidth()), so a product over the
     * direct form's columns adds nothing for them.
     */
    default void toPaddedRows(float[] src, int image, int channels, ConvShape g, float[] dst) {
        int oh = g.oh(), ow = g.ow(), wp = g.paddedWidth();
        for (int ci = 0; ci < channels; ci++) {
            for (int oy = 0; oy < oh; oy++) {
                int d = (ci * oh + oy) * wp;
                System.arraycopy(src, ((image * channels + ci) * oh + oy) * ow, dst, d, ow);
                java.util.Arrays.fill(dst, d + ow, d + wp, 0f);
            }
        }
    }

    /**
     * The direct form's output rows to NCHW: dst[image, ci, oy, ox] = t[ci·ldt + oy·wp + ox] (+ bias[ci] when
     * bias is not null) with wp = g.paddedWidth(), for ox &lt; g.ow(); the padding columns are dropped.
     * t must hold {@link Kernels#ROWS_SLACK} floats past its last row's end (vector copies run over).
     */
    void fromPaddedRows(float[] t, int ldt, float[] dst, float[] bias, int channels, ConvShape g, int image);

    // ---- the shifted-planes form (small patches, ConvShape#shifted): no column matrix ---------------------

    /**
     * Writes image {@code image} of x ({@code [*, g.c, g.h, g.w]}) into planes as its shifted planes: plane
     * (ci, v), {@code [h + 2·ph, w]} at (ci·kw + v)·(h + 2·ph)·w, holds x[image, ci, r - ph, ox + v - pw] at
     * (r, ox), 0 outside the input. Then im2col's row (ci·kh + u)·kw + v for this image is the run at
     * {@link ConvShape#shiftedOffsets()}: the same values, never written as a matrix (the first
     * {@link ConvShape#shiftedSize()} values of planes; the rest is left alone). Row copies: the same in
     * both implementations.
     */
    default void shiftedPlanes(float[] x, int image, ConvShape g, float[] planes) {
        int h = g.h(), w = g.w(), ph = g.ph(), hp = h + 2 * ph;
        java.util.Arrays.fill(planes, 0, g.shiftedSize(), 0f);
        for (int ci = 0; ci < g.c(); ci++) {
            int src = (image * g.c() + ci) * h * w;
            for (int v = 0; v < g.kw(); v++) {
                int shift = v - g.pw(), lo = Math.max(0, -shift), hi = Math.min(w, w - shift);
                if (hi <= lo) continue;
                int dst = ((ci * g.kw() + v) * hp + ph) * w;
                for (int y = 0; y < h; y++) System.arraycopy(x, src + y * w + lo + shift, planes, dst + y * w + lo, hi - lo);
            }
        }
    }

    /**
     * {@link #rowDots} over one image's share of the columns, with the column rows read in place: continues
     * the sixteen partials acc[(o·n + t)·16 + l] of dot (o, t) with the products a[ao + o·k + j]·b[rows[t] +
     * j], j in [0, k) and k a multiple of 16 (partial l takes j = l, l + 16, ...), starting from zero when
     * {@code first}. Called image after image over a group (a = the images' dY in NCHW, b = each image's
     * {@link #shiftedPlanes}), then {@link #finishDots}, it is rowDots over the group's channel-major dY and
     * im2col columns, to the bit, without either matrix.
     */
    void rowDotsRows(float[] a, int ao, float[] b, int[] rows, float[] acc, int m, int n, int k, boolean first);

    /** c[o·n + t] = {@link #rowDots}'s tree over the partials {@link #rowDotsRows} left in acc. */
    default void finishDots(float[] acc, float[] c, int m, int n) {
        for (int d = 0; d < m * n; d++) {
            int at = d * LANES;
            c[d] = ScalarConvKernels.combine(acc[at], acc[at + 1], acc[at + 2], acc[at + 3], acc[at + 4], acc[at + 5],
                    acc[at + 6], acc[at + 7], acc[at + 8], acc[at + 9], acc[at + 10], acc[at + 11], acc[at + 12],
                    acc[at + 13], acc[at + 14], acc[at + 15]);
        }
    }

    // ---- pooling ---------------------------------------------------------------------------------------

    /**
     * Max pooling of the planes [from, to) (plane = image·channels + channel) of x; argmax[plane, q] gets
     * the index within the plane of the maximum (the first, in window order, when tied), as a float.
     * Windows never reach outside the input (no padding).
     */
    void maxPool(float[] x, float[] y, float[] argmax, ConvShape g, int from, int to);

    /** dx = 0 on planes [from, to), then dx[plane, argmax[plane, q]] += dy[plane, q] in q order. */
    void maxPoolBackward(float[] dy, float[] argmax, float[] dx, ConvShape g, int from, int to);

    /** Average pooling: the window's sum (in window order) times 1/(kh·kw), planes [from, to). */
    void avgPool(float[] x, float[] y, ConvShape g, int from, int to);

    /** dx = 0, then every window's values += dy·1/(kh·kw), in output order, planes [from, to). */
    void avgPoolBackward(float[] dy, float[] dx, ConvShape g, int from, int to);

    // ---- per-channel reductions and batch normalisation -----------------------------------------------------

    /** sums[ci] = the sum of x[i, ci, q] over images [0, n) and positions q, for channels [c0, c1). */
    void channelSums(float[] x, float[] sums, int n, int channels, int p, int c0, int c1);

    /** sums[ci] = the sum of (x - mean[ci])² (one FMA per term), in {@link #channelSums}'s order. */
    void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p, int c0, int c1);

    /** y = fma(x - mean[ci], scale[ci], shift[ci]), then max(y, 0) when relu, for channels [c0, c1). */
    void batchNorm(float[] x, float[] y, float[] mean, float[] scale, float[] shift, boolean relu,
                   int n, int channels, int p, int c0, int c1);

    /**
     * Batch norm's backward sums over channels [c0, c1): with g = dy (or, when y is not null, dy where
     * y &gt; 0, else 0: the gradient through a fused ReLU) and x̂ = (x - mean)·invstd, sumG[ci] = Σ g and
     * sumGX[ci] = Σ g·x̂ (one FMA per term), in {@link #channelSums}'s order.
     */
    void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG, float[] sumGX,
                       int n, int channels, int p, int c0, int c1);

    /**
     * Batch norm's input gradient over channels [c0, c1): dx = (g - fma(x̂, b[ci], a[ci]))·scale[ci], with g
     * and x̂ as in {@link #batchNormSums}; a = mean of g, b = mean of g·x̂, scale = weight·invstd.
     */
    void batchNormBackward(float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd,
                           float[] a, float[] b, float[] scale, int n, int channels, int p, int c0, int c1);
}
