package dev.fashion.nn;

import dev.fashion.kernels.ConvShape;

/**
 * Max or average pooling over [N, C, H, W] (PyTorch's MaxPool2d / AvgPool2d without padding, floor mode):
 * a {@code kh x kw} window moved by the stride (default: the kernel, non-overlapping windows). An average
 * pool without a kernel is global: one value per channel, {@code [N, C, 1, 1]} (AdaptiveAvgPool2d(1)).
 * Max pooling keeps each output's argmax in its scratch for the backward pass.
 */
public final class Pool2d extends Layer {
    private final boolean max;
    private final int kh0, kw0, sh0, sw0; // 0 = not given: the whole input (kernel) or the kernel (stride)
    private ConvShape g;

    public Pool2d(String name, boolean max, int kh, int kw, int sh, int sw) {
        super(name);
        this.max = max;
        this.kh0 = kh;
        this.kw0 = kw;
        this.sh0 = sh;
        this.sw0 = sw;
    }

    @Override
    public String type() {
        return max ? "max_pool" : "avg_pool";
    }

    @Override
    protected Shape infer(Shape input) {
        requireImage(input);
        int c = input.dim(0), h = input.dim(1), w = input.dim(2);
        int kh = kh0 == 0 ? h : kh0, kw = kw0 == 0 ? w : kw0;
        int sh = sh0 == 0 ? kh : sh0, sw = sw0 == 0 ? kw : sw0;
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1) {
            throw configError("kernel and stride must be positive (kernel [" + kh + ", " + kw + "], stride [" + sh + ", " + sw + "])");
        }
        if (kh > h || kw > w) {
            throw configError("kernel [" + kh + ", " + kw + "] is larger than the input " + input.batched());
        }
        g = new ConvShape(c, h, w, kh, kw, sh, sw, 0, 0);
        return new Shape(c, g.oh(), g.ow());
    }

    public ConvShape geometry() {
        return g;
    }

    @Override
    public int scratchPerSample() {
        return max && g != null ? g.c() * g.positions() : 0;
    }

    @Override
    public long forwardFlops(int n) {
        return (long) n * g.c() * g.positions() * g.kh() * g.kw();
    }

    @Override
    public long backwardFlops(int n, boolean inputGradient) {
        return inputGradient ? (long) n * g.c() * g.positions() * (max ? 1 : g.kh() * g.kw()) : 0;
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        if (max) ctx.kernels().conv().maxPool(x, y, scratch, g, n);
        else ctx.kernels().conv().avgPool(x, y, g, n);
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        if (dx == null) return;
        if (max) ctx.kernels().conv().maxPoolBackward(dy, scratch, dx, g, n);
        else ctx.kernels().conv().avgPoolBackward(dy, dx, g, n);
    }
}
