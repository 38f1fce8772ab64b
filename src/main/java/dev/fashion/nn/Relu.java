package dev.fashion.nn;

/** max(x, 0), element-wise; backward passes the gradient where the output is positive. */
public final class Relu extends Layer {

    public Relu(String name) {
        super(name);
    }

    @Override
    public String type() {
        return "relu";
    }

    @Override
    protected Shape infer(Shape input) {
        return input;
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        ctx.kernels().relu(x, y, n * inputShape().size());
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        if (dx != null) ctx.kernels().reluBackward(y, dy, dx, n * inputShape().size());
    }
}
