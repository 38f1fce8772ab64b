package dev.fashion.nn;

import dev.fashion.kernels.ConvShape;
import dev.fashion.parallel.ParallelConvKernels;
import dev.fashion.parallel.ParallelKernels;

import java.util.List;

/**
 * 2-d convolution (cross-correlation, as PyTorch's nn.Conv2d) over [N, C, H, W], weight stored
 * {@code [out, in, kh, kw]} as PyTorch stores it, optional bias.
 *
 * <p>Lowered to the packed matmul: im2col builds the channel-major column matrix {@code [in·kh·kw,
 * images·positions]} of a chunk of images, and one matmul per chunk computes every output channel of every
 * image at once: Y [out, images·positions] = W [out, in·kh·kw] · col. Backward reuses the forward's
 * columns: dW = dY·colᵀ (one long k = images·positions reduction per weight, in image order, so the
 * chunking and the thread count do not change its bits) and dcol = Wᵀ·dY, scattered back by col2im. At the
 * reference shapes the matmul's n is 25,088 (conv2) to 100,352 (conv1) columns wide, so the kernel runs
 * on full register tiles; one matmul per image (n = 196 or 784) would run 128 small problems with a
 * packing pass each. NCHW stays the layout between layers: moving a chunk to and from channel-major is a
 * row copy per (image, channel), a few percent of the matmul's time.
 *
 * <p>A chunk holds at most {@value #CHUNK_VALUES} values of columns (2 MB), so a chunk's columns are still
 * in cache when the matmul reads them after im2col wrote them, and again in the backward pass: 9 images for
 * conv2 (288 x 1,764), 20 for conv1. The whole batch at once (29 MB of columns for conv2 at batch 128, from
 * memory every pass) was slower: one thread, conv2's forward + both gradients, 48 ms against 38 (256-bit
 * vectors) and 45 against 33 (512-bit) per batch of 128 on an AMD EPYC Zen 4; chunks of 4 to 16 images
 * were within 3% of each other. Chunking changes no bits: every output is one FMA chain over the patch,
 * and the weight gradient continues its chains chunk after chunk, in image order.
 */
public final class Conv2d extends Layer {
    /** Values in one chunk's column matrix (and output block): sized for the cache, see the class comment. */
    public static final int CHUNK_VALUES = 1 << 19;
    /** More weights or output values per image than this is refused before allocating (as linear's limit). */
    static final long MAX_VALUES = 1L << 27;

    private final int declaredIn;
    private final int out, kh, kw, sh, sw, ph, pw;
    private final boolean hasBias;
    private Parameter weight;
    private Parameter bias;
    private ConvShape g;
    private int chunkValues = CHUNK_VALUES;

    // Grow-only buffers shared by every workspace of this model (passes never interleave).
    private float[] col = new float[0];
    private float[] yt = new float[0];
    /** The input whose columns {@link #col} holds (whole batch of n images), or null. */
    private float[] colInput;
    private int colImages;

    public Conv2d(String name, int in, int out, int kh, int kw, int sh, int sw, int ph, int pw, boolean bias) {
        super(name);
        this.declaredIn = in;
        this.out = out;
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.ph = ph;
        this.pw = pw;
        this.hasBias = bias;
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    protected Shape infer(Shape input) {
        requireImage(input);
        int c = input.dim(0), h = input.dim(1), w = input.dim(2);
        if (out < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0) {
            throw configError("out, kernel and stride must be positive and padding not negative (out " + out
                    + ", kernel [" + kh + ", " + kw + "], stride [" + sh + ", " + sw + "], padding [" + ph + ", " + pw + "])");
        }
        if (declaredIn > 0 && c != declaredIn) throw shapeError("[N, " + declaredIn + ", H, W] (in: " + declaredIn + ")", input);
        if (kh > h + 2 * ph || kw > w + 2 * pw) {
            throw configError("kernel [" + kh + ", " + kw + "] is larger than the padded input [" + (h + 2 * ph) + ", "
                    + (w + 2 * pw) + "] (input " + input.batched() + ", padding [" + ph + ", " + pw + "])");
        }
        g = new ConvShape(c, h, w, kh, kw, sh, sw, ph, pw);
        long weights = (long) out * c * kh * kw;
        long outputs = (long) out * g.oh() * g.ow();
        if (weights > MAX_VALUES || outputs > MAX_VALUES) {
            throw configError(String.format("%,d weights and %,d outputs per image, more than the limit of %,d",
                    weights, outputs, MAX_VALUES));
        }
        weight = new Parameter(name() + ".weight", out, c, kh, kw);
        bias = hasBias ? new Parameter(name() + ".bias", out) : null;
        return new Shape(out, g.oh(), g.ow());
    }

    public ConvShape geometry() {
        return g;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** PyTorch's default initialisation ({@link Rng#kaimingUniform}), fan_in = in·kh·kw. */
    @Override
    public void initialize(Rng rng) {
        rng.kaimingUniform(weight, bias, g.patch());
    }

    @Override
    public long forwardFlops(int n) {
        return 2L * n * out * g.patch() * g.positions() + (bias == null ? 0 : (long) n * out * g.positions());
    }

    @Override
    public long backwardFlops(int n, boolean inputGradient) {
        return 2L * n * out * g.patch() * g.positions() * (inputGradient ? 2 : 1)
                + (bias == null ? 0 : (long) n * out * g.positions());
    }

    /** Images per chunk, so that neither the columns nor the output block exceed {@link #chunkValues}. */
    int chunk(int n) {
        return imagesPerChunk(g, out, n, chunkValues);
    }

    /**
     * Images per chunk of a convolution of shape g with {@code out} channels over n images, at most
     * {@code values} values of columns or output each ({@link #CHUNK_VALUES} in training; public so the
     * benchmarks chunk as the layer does).
     */
    public static int imagesPerChunk(ConvShape g, int out, int n, long values) {
        long perImage = (long) Math.max(g.patch(), out) * g.positions();
        return (int) Math.max(1, Math.min(n, values / perImage));
    }

    /** Sets the chunk's size in values: tests use it to compare chunkings. */
    void chunkValues(int values) {
        chunkValues = values;
    }

    private void ensure(int chunk) {
        long cols = (long) chunk * g.positions();
        if (col.length < g.patch() * cols) col = new float[Math.toIntExact(g.patch() * cols)];
        if (yt.length < out * cols) yt = new float[Math.toIntExact(out * cols)];
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        ParallelKernels k = ctx.kernels();
        ParallelConvKernels conv = k.conv();
        int chunk = chunk(n), p = g.positions();
        ensure(chunk);
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int i1 = Math.min(n, i0 + chunk), cols = (i1 - i0) * p;
            conv.im2col(x, col, g, cols, i0, i1);
            k.matmul(weight.data(), col, yt, out, g.patch(), cols, false);
            conv.fromChannelMajor(yt, y, bias == null ? null : bias.data(), out, p, cols, i0, i1);
        }
        // The columns of a one-chunk batch serve the weight gradient, when training follows.
        colInput = training && chunk >= n ? x : null;
        colImages = n;
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        ParallelKernels k = ctx.kernels();
        ParallelConvKernels conv = k.conv();
        int chunk = chunk(n), p = g.positions();
        ensure(chunk);
        if (bias != null) conv.channelSums(dy, bias.grad(), n, out, p);
        for (int i0 = 0; i0 < n; i0 += chunk) {
            int i1 = Math.min(n, i0 + chunk), cols = (i1 - i0) * p;
            conv.toChannelMajor(dy, yt, out, p, cols, i0, i1);
            if (colInput != x || colImages != n || chunk < n) conv.im2col(x, col, g, cols, i0, i1);
            // dW [out, patch] (+)= dY [out, cols] · col [patch, cols]ᵀ: chunk after chunk continues each FMA chain.
            k.matmulTransB(yt, col, weight.grad(), out, cols, g.patch(), i0 > 0);
            if (dx != null) {
                // dcol [patch, cols] = Wᵀ · dY, into the columns' buffer (they are used up).
                k.matmulTransA(weight.data(), yt, col, g.patch(), out, cols, false);
                conv.col2im(col, dx, g, cols, i0, i1);
            }
        }
        colInput = null;
    }
}
