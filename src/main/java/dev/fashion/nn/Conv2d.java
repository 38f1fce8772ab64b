package dev.fashion.nn;

import dev.fashion.kernels.ConvKernels;
import dev.fashion.kernels.ConvShape;
import dev.fashion.kernels.Kernels;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Partition;
import dev.fashion.parallel.Scheduler;

import java.util.List;

/**
 * 2-d convolution (cross-correlation, as PyTorch's nn.Conv2d) over [N, C, H, W], weight stored
 * {@code [out, in, kh, kw]} as PyTorch stores it, optional bias.
 *
 * <p>A stride-1 convolution whose patch is larger than {@value #DOT_PATCH} taps (conv2) runs forward in the
 * direct form, image by image: the image is copied into zero-padded planes and Y = W·planes through
 * {@link Kernels#matmulRows}, whose B rows are the taps' offsets into the planes, read in place: no column
 * matrix to write, no panel to pack. Its columns run over the padded width (conv2: 16 of which 14 are
 * outputs, 14% more FMAs), and it is still faster: JMH {@code ConvBench} on an AMD EPYC Zen 5, one thread,
 * conv2 at batch 128, 151.7 against 130.6 batches/s (140 GFLOP/s, 67% of the measured FMA peak); in the
 * training step (`bench`, noisy host, 6 alternating pairs) conv2's forward 3.9-9.7 ms against 6.0-10.1.
 * Each output is the lowering's FMA chain over the patch, so the bits are the same. The weight gradient
 * likewise: per image, dWᵀ [patch, out] += (the planes' tap rows, read in place) · (dy at the padded
 * width)ᵀ through {@link Kernels#matmulGatheredTransB}, image after image in the group, so each element is
 * the lowering's chain over the group's columns plus exact zeros for the padding columns (the same value,
 * up to the sign of a sum that is exactly zero); the groups' dWᵀ are summed in group order and transposed
 * once (JMH 137.6 against 129.5 batches/s; in the step conv2's backward 5-20% faster).
 *
 * <p>A stride-1 convolution with at most {@value #DOT_PATCH} taps whose output is as wide as its input
 * (conv1) runs in the shifted-planes form: per image, each (channel, kernel column) gets a copy of the
 * image shifted by that column and padded above and below, so every tap's row of the column matrix is one
 * contiguous run of it ({@link ConvShape#shiftedOffsets()}). Forward is Y = [W | bias]·[those runs; ones]
 * through {@link Kernels#matmulRows}, written in place into the image's NCHW output: no column matrix, no
 * channel-major copy-out, and the bias is the chain's last FMA, so the bits are the lowering's. The weight
 * gradient reads dy in place against the same runs ({@link ConvKernels#rowDotsRows}, when the positions
 * are whole 16-lane blocks). AMD EPYC Zen 5, JDK 17, one thread, CNN at batch 128 ({@code bench}, two
 * alternating rounds): conv1 forward 0.84-0.94 against 1.24-1.33 ms per step, backward 1.25-1.41 against
 * 1.36-1.42.
 *
 * <p>Measured and left on the lowering: the input gradient as the
 * direct correlation of padded dy with the flipped weights (JMH 6% faster alone, not faster in the step:
 * dy's 64 padded planes, 64 KB, do not stay in L1; and it would change the bits).
 *
 * <p>Otherwise lowered to the packed matmul: im2col builds the channel-major column matrix {@code [in·kh·kw,
 * images·positions]} of a group of images, and one matmul per group computes every output channel of every
 * image at once: Y [out, images·positions] = W [out, in·kh·kw] · col. Backward rebuilds the group's
 * columns: the group's dW = dY·colᵀ and dcol = Wᵀ·dY, scattered back by col2im. At the reference shapes a
 * group's matmul is 1,568 (conv2) to 12,544 (conv1) columns wide, so the kernel runs on full register
 * tiles; one matmul per image (n = 196 or 784) would run 128 small problems with a packing pass each. NCHW
 * stays the layout between layers: moving a group to and from channel-major is a row copy per (image,
 * channel), a few percent of the matmul's time.
 *
 * <p>A group holds at most {@value #GROUP_VALUES} values of columns or output (2 MB), rounded down to a
 * power of two images: 8 for conv2 (288 x 1,568), 16 for conv1. So a group's columns are still in cache
 * when the matmul reads them after im2col wrote them. The whole batch at once (29 MB of columns for conv2
 * at batch 128, from memory every pass) was slower: one thread, conv2's forward + both gradients, 45
 * against 33 ms per batch of 128 on an AMD EPYC Zen 4; groups of 4 to 16 images were within 3% of each
 * other, and 2^17 to 2^20 values per group within the noise on a Zen 5.
 *
 * <p>Threads take whole groups, each with its own buffers: im2col, the matmuls and the layout moves of a
 * group run on one core, in its cache. Splitting each of those calls over both cores instead (as until
 * 2026-12) made every step move a group's columns between the cores' caches: AMD EPYC Zen 5, 2 threads,
 * batch 128, conv2 backward 12.0 -> 8.5 ms, conv1 backward 2.9 -> 1.7, the CNN step 30.4 -> 25.2. Groups
 * are a power of two images so that batch 128 splits evenly over 2 (or 4, 8) threads.
 *
 * <p>Bits: every output and input-gradient element is one FMA chain over the patch or the output
 * channels, whoever computes it. The weight gradient is a sum over images: each group's partial sum is
 * one FMA chain in image order, and the partials are added in group order. The group size depends on the
 * shape and the batch, never on the thread count or kernels, so neither changes the weights' bits.
 */
public final class Conv2d extends Layer {
    /** Values in one group's column matrix (and output block): sized for the cache, see the class comment. */
    public static final int GROUP_VALUES = 1 << 19;
    /**
     * Patches of at most this many taps (conv1's 9) take their weight gradient as dot products along the
     * columns ({@link ConvKernels#rowDots}) instead of a matmul whose 16- or 32-wide register tile would
     * be mostly padding. A shape rule, so the bits never depend on the vector width.
     */
    public static final int DOT_PATCH = 16;
    /** More weights or output values per image than this is refused before allocating (as linear's limit). */
    static final long MAX_VALUES = 1L << 27;

    private final int declaredIn;
    private final int out, kh, kw, sh, sw, ph, pw;
    private final boolean hasBias;
    private Parameter weight;
    private Parameter bias;
    private ConvShape g;
    /** Where each column-matrix row starts in an image's padded planes, for the direct forward; null: im2col. */
    private int[] taps;
    /**
     * Where each tap's columns start in an image's shifted planes, then (with a bias) the row of ones that
     * adds it; null: not the shifted-planes form.
     */
    private int[] shifted;
    /** The shifted-planes forward's weights: [out, patch + 1] with the bias as the last column, per pass. */
    private float[] fused;
    /** The direct form's dWᵀ, summed over the groups before the transpose into the weight gradient. */
    private float[] summed;
    private int groupValues = GROUP_VALUES;

    private final GroupPass pass = new GroupPass();

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
        taps = directForward(g) ? g.tapOffsets() : null;
        shifted = shiftedForm(g) ? shiftedRows(g, hasBias) : null;
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

    /** Whether a convolution of shape g runs forward in the direct form (see the class comment). */
    public static boolean directForward(ConvShape g) {
        return g.direct() && g.patch() > DOT_PATCH;
    }

    /** Whether a convolution of shape g runs in the shifted-planes form (see the class comment). */
    public static boolean shiftedForm(ConvShape g) {
        return g.shifted() && g.patch() <= DOT_PATCH;
    }

    /**
     * The shifted-planes form's B rows: the taps' offsets ({@link ConvShape#shiftedOffsets()}) and, with a
     * bias, the row of ones after the planes, so the bias is the chain's last FMA: fma(b, 1, s) rounds s + b
     * once, the lowering's separate addition, to the bit. Public so the benchmarks run what the layer runs.
     */
    public static int[] shiftedRows(ConvShape g, boolean bias) {
        int[] offsets = g.shiftedOffsets();
        if (!bias) return offsets;
        int[] rows = java.util.Arrays.copyOf(offsets, offsets.length + 1);
        rows[offsets.length] = g.shiftedSize();
        return rows;
    }

    /** Floats of a shifted-planes buffer: the planes, the row of ones and the matmul's read slack. */
    public static int shiftedBuffer(ConvShape g) {
        return g.shiftedSize() + g.positions() + Kernels.ROWS_SLACK;
    }

    int group(int n) {
        return imagesPerGroup(g, out, n, groupValues);
    }

    /**
     * Images per group of a convolution of shape g with {@code out} channels over n images: the most
     * that keep the columns and the output within {@code values} values each ({@link #GROUP_VALUES} in
     * training), rounded down to a power of two, and at least one. Public so the benchmarks group as the
     * layer does.
     */
    public static int imagesPerGroup(ConvShape g, int out, int n, long values) {
        long perImage = (long) Math.max(g.patch(), out) * g.positions();
        return Integer.highestOneBit((int) Math.max(1, Math.min(n, values / perImage)));
    }

    /** Sets the group's size in values: tests use it to compare groupings. */
    void groupValues(int values) {
        groupValues = values;
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        if (shifted != null && bias != null) fuseBias();
        pass.run(ctx, x, y, null, null, n, false);
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        if (bias != null) ctx.kernels().conv().channelSums(dy, bias.grad(), n, out, g.positions());
        pass.run(ctx, x, null, dy, dx, n, true);
        // dW = the groups' partial gradients summed in group order: the same bits for any thread count.
        // The direct form's partials are dWᵀ [patch, out]: summed the same way, then transposed.
        float[] dw = weight.grad();
        float[][] partials = pass.partials;
        float[] sum = taps == null ? dw : summedTransposed();
        System.arraycopy(partials[0], 0, sum, 0, sum.length);
        for (int q = 1; q < pass.groups; q++) {
            float[] part = partials[q];
            for (int i = 0; i < sum.length; i++) sum[i] += part[i];
        }
        if (taps != null) {
            int patch = g.patch();
            for (int k = 0; k < patch; k++) {
                for (int o = 0; o < out; o++) dw[o * patch + k] = sum[k * out + o];
            }
        }
    }

    /** [W | bias] for the shifted-planes forward: the weights change every step, so rebuilt per pass. */
    private void fuseBias() {
        int patch = g.patch(), width = patch + 1;
        if (fused == null) fused = new float[out * width];
        float[] w = weight.data(), b = bias.data();
        for (int o = 0; o < out; o++) {
            System.arraycopy(w, o * patch, fused, o * width, patch);
            fused[o * width + patch] = b[o];
        }
    }

    private float[] summedTransposed() {
        if (summed == null) summed = new float[g.patch() * out];
        return summed;
    }

    /**
     * One pass (forward or backward) over the batch's image groups, split over the scheduler into
     * contiguous runs of groups; part p uses buffer set p. Reused by every call: nothing is allocated per step.
     */
    private final class GroupPass implements Scheduler.PartTask {
        // Grow-only, per part (passes never interleave): columns, channel-major output (or its gradient).
        float[][] col = new float[0][], yt = new float[0][];
        /** The shifted-planes weight gradient's partials, [out, patch, 16], per part. */
        float[][] dots = new float[0][];
        /** The groups' weight gradients, each [out, patch]. */
        float[][] partials = new float[0][];
        private Kernels kernels;
        private ConvKernels conv;
        private float[] x, y, dy, dx;
        private int n, group, groups, parts;
        private boolean backward;

        void run(Context ctx, float[] x, float[] y, float[] dy, float[] dx, int n, boolean backward) {
            ParallelKernels k = ctx.kernels();
            this.kernels = k.kernels();
            this.conv = k.conv().kernels();
            this.x = x;
            this.y = y;
            this.dy = dy;
            this.dx = dx;
            this.n = n;
            this.backward = backward;
            group = group(n);
            groups = (n + group - 1) / group;
            parts = Math.min(k.scheduler().threads(), groups);
            ensure();
            try {
                k.scheduler().forEach(parts, this);
            } finally {
                this.x = this.y = this.dy = this.dx = null; // do not keep the caller's arrays alive
            }
        }

        private void ensure() {
            long cols = (long) group * g.positions();
            int colSize = Math.toIntExact(g.patch() * cols), outSize = Math.toIntExact(out * cols);
            if (taps != null) {
                // The direct form's padded planes (read up to the last tap's offset plus a row of columns,
                // plus the kernel's slack) and its rows of output or output gradient (plus the copy-out's slack).
                colSize = Math.max(colSize, g.paddedSize() + kw - 1 + Kernels.ROWS_SLACK);
                outSize = Math.max(outSize, out * g.directColumns() + Kernels.ROWS_SLACK);
            }
            if (shifted != null) colSize = Math.max(colSize, shiftedBuffer(g));
            if (col.length < parts) {
                col = java.util.Arrays.copyOf(col, parts);
                yt = java.util.Arrays.copyOf(yt, parts);
                dots = java.util.Arrays.copyOf(dots, parts);
            }
            for (int p = 0; p < parts; p++) {
                if (col[p] == null || col[p].length < colSize) col[p] = new float[colSize];
                if (yt[p] == null || yt[p].length < outSize) yt[p] = new float[outSize];
                if (shifted != null && dots[p] == null) dots[p] = new float[out * g.patch() * ConvKernels.LANES];
            }
            if (backward && partials.length < groups) {
                int had = partials.length;
                partials = java.util.Arrays.copyOf(partials, groups);
                for (int q = had; q < groups; q++) partials[q] = new float[out * g.patch()];
            }
        }

        @Override
        public void run(int part) {
            float[] c = col[part], t = yt[part];
            int p = g.positions(), patch = g.patch();
            for (int q = Partition.start(groups, parts, part, 1), end = Partition.end(groups, parts, part, 1); q < end; q++) {
                int i0 = q * group, i1 = Math.min(n, i0 + group), cols = (i1 - i0) * p;
                if (shifted != null && !backward) {
                    // Y (image i's planes, in place) = [W | bias] · [the taps' runs; ones]: no columns, no copy-out.
                    float[] w = weight.data();
                    if (bias != null) {
                        w = fused;
                        java.util.Arrays.fill(c, g.shiftedSize(), g.shiftedSize() + p, 1f);
                    }
                    for (int i = i0; i < i1; i++) {
                        conv.shiftedPlanes(x, i, g, c);
                        kernels.matmulRows(w, c, shifted, y, i * out * p, out, p, p);
                    }
                    continue;
                }
                if (shifted != null && p % ConvKernels.LANES == 0) {
                    // rowDots over the group, image by image: dY read in place, the columns as shifted runs.
                    float[] acc = dots[part];
                    for (int i = i0; i < i1; i++) {
                        conv.shiftedPlanes(x, i, g, c);
                        conv.rowDotsRows(dy, i * out * p, c, shifted, acc, out, patch, p, i == i0);
                    }
                    conv.finishDots(acc, partials[q], out, patch);
                    if (dx != null) {
                        conv.toChannelMajor(dy, t, out, p, i0, cols, i0, i1);
                        inputGradient(c, t, i0, i1, cols);
                    }
                    continue;
                }
                if (!backward && taps != null) {
                    int width = g.directColumns();
                    for (int i = i0; i < i1; i++) {
                        conv.padImage(x, i, g, c);
                        kernels.matmulRows(weight.data(), c, taps, t, 0, out, width, width);
                        conv.fromPaddedRows(t, width, y, bias == null ? null : bias.data(), out, g, i);
                    }
                    continue;
                }
                if (taps != null) {
                    // The group's dWᵀ [patch, out] = planes' tap rows · dy rows ᵀ, image after image, so the
                    // chain over columns runs image by image as the lowering's does (plus exact zeros for
                    // the padding columns); no column matrix.
                    int width = g.directColumns();
                    for (int i = i0; i < i1; i++) {
                        conv.padImage(x, i, g, c);
                        conv.toPaddedRows(dy, i, out, g, t);
                        kernels.matmulGatheredTransB(c, taps, t, partials[q], patch, width, out, i > i0);
                    }
                    if (dx != null) {
                        conv.toChannelMajor(dy, t, out, p, i0, cols, i0, i1);
                        inputGradient(c, t, i0, i1, cols);
                    }
                    continue;
                }
                conv.im2col(x, c, g, i0, cols, i0, i1);
                if (!backward) {
                    kernels.matmul(weight.data(), c, t, out, patch, cols, 0, out, 0, cols, false);
                    conv.fromChannelMajor(t, y, bias == null ? null : bias.data(), out, p, i0, cols, i0, i1);
                    continue;
                }
                conv.toChannelMajor(dy, t, out, p, i0, cols, i0, i1);
                // The group's dW [out, patch] = dY [out, cols] · col [patch, cols]ᵀ.
                if (patch <= DOT_PATCH) conv.rowDots(t, c, partials[q], out, patch, cols);
                else kernels.matmulTransB(t, c, partials[q], out, cols, patch, 0, out, 0, patch, false);
                if (dx != null) inputGradient(c, t, i0, i1, cols);
            }
        }

        /**
         * dx for images [i0, i1) from their dY in t (channel-major): dcol [patch, cols] = Wᵀ · dY into the
         * columns' buffer c (used up by then), added back by col2im.
         */
        private void inputGradient(float[] c, float[] t, int i0, int i1, int cols) {
            kernels.matmulTransA(weight.data(), t, c, g.patch(), out, cols, 0, g.patch(), 0, cols, false);
            conv.col2im(c, dx, g, i0, cols, i0, i1);
        }
    }
}
