package dev.fashion.nn;

/**
 * Inverted dropout: while training, zeroes each element with probability p and scales the rest by
 * 1/(1-p); at evaluation it is the identity. The mask comes from the step's generator on the calling
 * thread, so it does not depend on the thread count and a checkpoint can restore it.
 */
public final class Dropout extends Layer {
    private final float p;

    public Dropout(String name, float p) {
        super(name);
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
        this.p = p;
    }

    @Override
    public String type() {
        return "dropout";
    }

    public float p() {
        return p;
    }

    @Override
    protected Shape infer(Shape input) {
        return input;
    }

    @Override
    public int scratchPerSample() {
        return inputShape() == null ? 0 : inputShape().size();
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] mask, int n, boolean training) {
        int size = n * inputShape().size();
        if (!training || p == 0f) {
            System.arraycopy(x, 0, y, 0, size);
            return;
        }
        float scale = 1f / (1f - p);
        Rng rng = ctx.rng();
        for (int i = 0; i < size; i++) {
            float keep = rng.nextFloat() >= p ? scale : 0f;
            mask[i] = keep;
            y[i] = x[i] * keep;
        }
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] mask, int n) {
        if (dx == null) return;
        int size = n * inputShape().size();
        if (p == 0f) {
            System.arraycopy(dy, 0, dx, 0, size);
            return;
        }
        for (int i = 0; i < size; i++) dx[i] = dy[i] * mask[i];
    }
}
