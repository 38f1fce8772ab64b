package dev.fashion.nn;

/** Row-wise softmax over the features: class probabilities. */
public final class Softmax extends Layer {

    public Softmax(String name) {
        super(name);
    }

    @Override
    public String type() {
        return "softmax";
    }

    @Override
    protected Shape infer(Shape input) {
        return requireFlat(input);
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        ctx.kernels().softmax(x, y, n, inputShape().size());
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        if (dx != null) ctx.kernels().softmaxBackward(y, dy, dx, n, inputShape().size());
    }
}
