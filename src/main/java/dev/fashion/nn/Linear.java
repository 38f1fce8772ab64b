package dev.fashion.nn;

import java.util.List;

/** y = x·Wᵀ + b, with W stored [out, in] as PyTorch stores it. */
public final class Linear extends Layer {
    private final int declaredIn; // 0 when the config leaves it to shape inference
    private final int out;
    private final boolean hasBias;
    private Parameter weight;
    private Parameter bias;
    private int in;

    public Linear(String name, int in, int out, boolean bias) {
        super(name);
        this.declaredIn = in;
        this.out = out;
        this.hasBias = bias;
    }

    @Override
    public String type() {
        return "linear";
    }

    @Override
    protected Shape infer(Shape input) {
        requireFlat(input);
        if (declaredIn > 0 && input.dim(0) != declaredIn) throw shapeError("[N, " + declaredIn + "]", input);
        in = input.dim(0);
        weight = new Parameter(name() + ".weight", out, in);
        bias = hasBias ? new Parameter(name() + ".bias", out) : null;
        return new Shape(out);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** PyTorch's default initialisation ({@link Rng#kaimingUniform}), fan_in = in. */
    @Override
    public void initialize(Rng rng) {
        rng.kaimingUniform(weight, bias, in);
    }

    @Override
    public long forwardFlops(int n) {
        return 2L * n * in * out + (bias == null ? 0 : (long) n * out);
    }

    @Override
    public long backwardFlops(int n, boolean inputGradient) {
        return 2L * n * in * out * (inputGradient ? 2 : 1) + (bias == null ? 0 : (long) n * out);
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        forward(ctx, x, y, n, false);
    }

    /** y = x·Wᵀ + b, then ReLU when {@code relu}: the graph fuses a following ReLU into this pass. */
    public void forward(Context ctx, float[] x, float[] y, int n, boolean relu) {
        ctx.kernels().linearForward(x, weight.data(), bias == null ? null : bias.data(), y, n, in, out, relu);
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        backward(ctx, x, dy, dx, n, false);
    }

    /**
     * Sets dW and db and, when dx is not null, the input gradient. With {@code reluInput} the input x is
     * a ReLU's output and dx already carries that ReLU's gradient mask (x &gt; 0), in the same pass.
     */
    public void backward(Context ctx, float[] x, float[] dy, float[] dx, int n, boolean reluInput) {
        // dW [out, in] = dyᵀ [out, n] · x [n, in]; db = column sums of dy; dx [n, in] = dy [n, out] · W [out, in].
        ctx.kernels().linearGradients(dy, x, weight.grad(), bias == null ? null : bias.grad(), n, in, out);
        if (dx == null) return;
        if (reluInput) ctx.kernels().matmulReluMask(dy, weight.data(), x, dx, n, out, in);
        else ctx.kernels().matmul(dy, weight.data(), dx, n, out, in, false);
    }
}
