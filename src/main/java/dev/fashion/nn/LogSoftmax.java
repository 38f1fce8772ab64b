package dev.fashion.nn;

/** Row-wise log-softmax over the features (PyTorch's log_softmax(dim=1)); pairs with the NLL loss. */
public final class LogSoftmax extends Layer {

    public LogSoftmax(String name) {
        super(name);
    }

    @Override
    public String type() {
        return "log_softmax";
    }

    @Override
    protected Shape infer(Shape input) {
        return requireFlat(input);
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        ctx.kernels().logSoftmax(x, y, n, inputShape().size());
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        if (dx != null) ctx.kernels().logSoftmaxBackward(y, dy, dx, n, inputShape().size());
    }
}
