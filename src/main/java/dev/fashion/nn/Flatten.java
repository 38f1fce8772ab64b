package dev.fashion.nn;

/** [N, C, H, W] to [N, C·H·W]; the data is already laid out that way, so it is a copy. */
public final class Flatten extends Layer {

    public Flatten(String name) {
        super(name);
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    protected Shape infer(Shape input) {
        return new Shape(input.size());
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        System.arraycopy(x, 0, y, 0, n * inputShape().size());
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        if (dx != null) System.arraycopy(dy, 0, dx, 0, n * inputShape().size());
    }
}
