package dev.fashion.bench;

import dev.fashion.kernels.ConvKernels;
import dev.fashion.kernels.ConvShape;
import dev.fashion.kernels.KernelProvider;
import dev.fashion.kernels.Kernels;
import dev.fashion.nn.Conv2d;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The reference CNN's convolutions at batch 128, one thread, as the layer runs them, in the layer's
 * groups of images: forward (conv2: image by image in the direct form, padded planes and Y = W·planes
 * through {@link Kernels#matmulRows}; conv1: image by image over its shifted planes, [W | bias]·[taps;
 * ones] written in place into NCHW; {@code forwardIm2col} is the lowering for both, to compare), the
 * weight gradient (conv2: the direct form's dWᵀ from the padded planes and dy at the padded width; conv1:
 * rowDotsRows over dY in place and the shifted planes; {@code weightGradientIm2col}: dY to channel-major,
 * the group's columns again, its dW) and the input gradient (dY to channel-major, dcol = Wᵀ·dY,
 * col2im); and at each convolution's output shape the 2x2 max pool and batch
 * norm (training forward: two statistics passes and the sweep; backward: the sums and the input
 * gradient, with the fused ReLU). {@code layer}: conv1 = 1->32 channels at 28x28, conv2 = 32->64 at
 * 14x14, 3x3 kernels, padding 1. The report converts convolutions to GFLOP/s (2·N·out·in·9·H·W flops)
 * and the rest to GB/s.
 */
@State(Scope.Thread)
public class ConvBench extends BenchDefaults {
    static final int BATCH = 128;

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"conv1", "conv2"})
    public String layer;

    private Kernels kernels;
    private ConvKernels conv;
    private ConvShape g, pool;
    private int[] taps, shifted;
    private int out, cols, p, chunk;
    private float[] summed, fused, dots;
    private float fillValue;
    private float[] x, w, col, yt, y, dy, dw, partial, dx, normed, argmax, pooled, mean, invstd, scale, shift, a, b;

    @Setup
    public void setup() {
        kernels = Inputs.kernels(impl);
        conv = KernelProvider.convKernels(kernels);
        boolean first = layer.equals("conv1");
        int c = first ? 1 : 32, hw = first ? 28 : 14;
        out = first ? 32 : 64;
        g = new ConvShape(c, hw, hw, 3, 3, 1, 1, 1, 1);
        p = g.positions();
        chunk = Conv2d.imagesPerGroup(g, out, BATCH, Conv2d.GROUP_VALUES);
        cols = chunk * p;
        x = Inputs.gaussian(BATCH * g.inSize(), 1);
        w = Inputs.gaussian(out * g.patch(), 2);
        col = new float[g.patch() * cols];
        yt = new float[out * cols];
        // The pool's input as in training: ReLU output, half zeros, so its comparisons are not predictable.
        y = Inputs.gaussian(BATCH * out * p, 4);
        for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0f);
        dy = Inputs.gaussian(y.length, 3);
        dw = new float[w.length];
        partial = new float[w.length];
        dx = new float[x.length];
        normed = new float[y.length];
        conv.im2col(x, col, g, 0, cols, 0, chunk);
        taps = g.tapOffsets();
        summed = new float[w.length];
        col = new float[Math.max(col.length, g.paddedSize() + 2 + Kernels.ROWS_SLACK)];
        yt = new float[Math.max(yt.length, out * g.directColumns() + Kernels.ROWS_SLACK)];
        if (Conv2d.shiftedForm(g)) {
            // As the layer: [W | bias] over the shifted planes and a row of ones; partials for rowDotsRows.
            shifted = Conv2d.shiftedRows(g, true);
            fused = Inputs.gaussian(out * (g.patch() + 1), 5);
            col = new float[Math.max(col.length, Conv2d.shiftedBuffer(g))];
            java.util.Arrays.fill(col, g.shiftedSize(), g.shiftedSize() + p, 1f);
            dots = new float[out * g.patch() * ConvKernels.LANES];
        }
        pool = new ConvShape(out, hw, hw, 2, 2, 2, 2, 0, 0);
        pooled = new float[BATCH * out * pool.positions()];
        argmax = new float[pooled.length];
        mean = new float[out];
        invstd = new float[out];
        scale = new float[out];
        shift = new float[out];
        a = new float[out];
        b = new float[out];
        java.util.Arrays.fill(invstd, 1f);
        java.util.Arrays.fill(scale, 1f);
    }

    @Benchmark
    public float[] forward() {
        if (shifted != null) {
            for (int i = 0; i < BATCH; i++) {
                conv.shiftedPlanes(x, i, g, col);
                kernels.matmulRows(fused, col, shifted, y, i * out * p, out, p, p);
            }
            return y;
        }
        if (!Conv2d.directForward(g)) return forwardIm2col();
        int width = g.directColumns();
        for (int i = 0; i < BATCH; i++) {
            conv.padImage(x, i, g, col);
            kernels.matmulRows(w, col, taps, yt, 0, out, width, width);
            conv.fromPaddedRows(yt, width, y, null, out, g, i);
        }
        return y;
    }

    @Benchmark
    public float[] forwardIm2col() {
        for (int i0 = 0; i0 < BATCH; i0 += chunk) {
            int i1 = Math.min(BATCH, i0 + chunk), n = (i1 - i0) * p;
            conv.im2col(x, col, g, i0, n, i0, i1);
            kernels.matmul(w, col, yt, out, g.patch(), n, 0, out, 0, n, false);
            conv.fromChannelMajor(yt, y, null, out, p, i0, n, i0, i1);
        }
        return y;
    }

    /**
     * As the layer's backward: conv2 image by image in the direct form (padded planes, dy at the padded
     * width, dWᵀ += planes' tap rows · dy rows ᵀ, transposed once at the end); conv1 as
     * {@link #weightGradientIm2col}.
     */
    @Benchmark
    public float[] weightGradient() {
        if (shifted != null) {
            for (int i0 = 0; i0 < BATCH; i0 += chunk) {
                for (int i = i0; i < Math.min(BATCH, i0 + chunk); i++) {
                    conv.shiftedPlanes(x, i, g, col);
                    conv.rowDotsRows(dy, i * out * p, col, shifted, dots, out, g.patch(), p, i == i0);
                }
                conv.finishDots(dots, i0 == 0 ? dw : partial, out, g.patch());
                if (i0 > 0) for (int i = 0; i < dw.length; i++) dw[i] += partial[i];
            }
            return dw;
        }
        if (!Conv2d.directForward(g)) return weightGradientIm2col();
        int width = g.directColumns();
        for (int i0 = 0; i0 < BATCH; i0 += chunk) {
            float[] target = i0 == 0 ? summed : partial;
            for (int i = i0; i < Math.min(BATCH, i0 + chunk); i++) {
                conv.padImage(x, i, g, col);
                conv.toPaddedRows(dy, i, out, g, yt);
                kernels.matmulGatheredTransB(col, taps, yt, target, g.patch(), width, out, i > i0);
            }
            if (i0 > 0) for (int i = 0; i < summed.length; i++) summed[i] += partial[i];
        }
        int patch = g.patch();
        for (int k = 0; k < patch; k++) {
            for (int o = 0; o < out; o++) dw[o * patch + k] = summed[k * out + o];
        }
        return dw;
    }

    /**
     * The lowering: the group's columns again, the group's dW (dot products for a patch of a few
     * taps, else the matmul), added to the sum of the groups before it.
     */
    @Benchmark
    public float[] weightGradientIm2col() {
        for (int i0 = 0; i0 < BATCH; i0 += chunk) {
            int i1 = Math.min(BATCH, i0 + chunk), n = (i1 - i0) * p;
            conv.toChannelMajor(dy, yt, out, p, i0, n, i0, i1);
            conv.im2col(x, col, g, i0, n, i0, i1);
            float[] target = i0 == 0 ? dw : partial;
            if (g.patch() <= Conv2d.DOT_PATCH) conv.rowDots(yt, col, target, out, g.patch(), n);
            else kernels.matmulTransB(yt, col, target, out, n, g.patch(), 0, out, 0, g.patch(), false);
            if (i0 > 0) for (int i = 0; i < dw.length; i++) dw[i] += partial[i];
        }
        return dw;
    }

    /** dcol = Wᵀ·dY into the columns' buffer (the layer's are used up by then), then col2im. */
    @Benchmark
    public float[] inputGradient() {
        for (int i0 = 0; i0 < BATCH; i0 += chunk) {
            int i1 = Math.min(BATCH, i0 + chunk), n = (i1 - i0) * p;
            conv.toChannelMajor(dy, yt, out, p, i0, n, i0, i1);
            kernels.matmulTransA(w, yt, col, g.patch(), out, n, 0, g.patch(), 0, n, false);
            conv.col2im(col, dx, g, i0, n, i0, i1);
        }
        return dx;
    }

    /**
     * The batch's output stored once and nothing computed ({@code Arrays.fill}, which C2 turns into vector
     * stores): the floor under any forward that leaves its output in memory for the batch norm after it.
     * Beside {@link #forward} it says how much of a convolution's time its output's stores explain; conv1's
     * is 12.8 MB (beyond L2) for 58 MFLOP. On the Zen 5 EPYC: 5,400-5,500 stores a second against 1,270
     * forwards, so conv1's forward is not store-bound there.
     */
    @Benchmark
    public float[] outputWrite() {
        java.util.Arrays.fill(y, fillValue += 1f);
        return y;
    }

    @Benchmark
    public float[] maxPool() {
        conv.maxPool(y, pooled, argmax, pool, 0, BATCH * out);
        return pooled;
    }

    @Benchmark
    public float[] maxPoolBackward() {
        conv.maxPoolBackward(pooled, argmax, dy, pool, 0, BATCH * out);
        return dy;
    }

    @Benchmark
    public float[] batchNorm() {
        conv.channelSums(y, mean, BATCH, out, p, 0, out);
        for (int c = 0; c < out; c++) mean[c] /= (float) (BATCH * p);
        conv.channelSquaredDeviations(y, mean, a, BATCH, out, p, 0, out);
        conv.batchNorm(y, normed, mean, scale, shift, true, BATCH, out, p, 0, out);
        return normed;
    }

    @Benchmark
    public float[] batchNormBackward() {
        conv.batchNormSums(y, y, dy, mean, invstd, a, b, BATCH, out, p, 0, out);
        conv.batchNormBackward(y, y, dy, normed, mean, invstd, a, b, scale, BATCH, out, p, 0, out);
        return normed;
    }
}
