package dev.fashion.nn;

import java.util.List;

/**
 * Every buffer one pass over a model needs, allocated once for up to {@code capacity} samples:
 * activations {@code act[i]} (input of layer i; the last is the model output), their gradients, and
 * each layer's scratch. A training step then allocates nothing.
 */
public final class Workspace {
    private final Model model;
    private final int capacity;
    private final float[][] act;
    private final float[][] grad;
    private final float[][] scratch;
    /** Index of the first layer that has parameters: no input gradient is needed before it. */
    private final int firstTrainable;

    public Workspace(Model model, int capacity) {
        this.model = model;
        this.capacity = capacity;
        List<Layer> layers = model.layers();
        int n = layers.size();
        act = new float[n + 1][];
        grad = new float[n + 1][];
        scratch = new float[n][];
        act[0] = new float[capacity * model.inputShape().size()];
        int first = n;
        for (int i = 0; i < n; i++) {
            Layer layer = layers.get(i);
            act[i + 1] = new float[capacity * layer.outputShape().size()];
            scratch[i] = new float[capacity * layer.scratchPerSample()];
            if (first == n && !layer.parameters().isEmpty()) first = i;
        }
        firstTrainable = first;
        for (int i = firstTrainable + 1; i <= n; i++) grad[i] = new float[act[i].length];
    }

    public Model model() {
        return model;
    }

    public int capacity() {
        return capacity;
    }

    /** The input buffer, [capacity, ...inputShape]: fill its first n samples before {@link #forward}. */
    public float[] input() {
        return act[0];
    }

    /** The model output of the last forward pass, [capacity, ...outputShape]. */
    public float[] output() {
        return act[act.length - 1];
    }

    /** The gradient of the loss with respect to the output: the loss writes it before {@link #backward}. */
    public float[] outputGrad() {
        return grad[grad.length - 1];
    }

    /** Records each layer's forward and backward time into {@code profile} (null: stop recording). */
    public void profile(LayerTimer profile) {
        this.profile = profile;
    }

    private LayerTimer profile;

    /** Runs every layer forward on the first n samples of {@link #input()}. */
    public float[] forward(Layer.Context ctx, int n, boolean training) {
        checkBatch(n);
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            long t = profile == null ? 0 : System.nanoTime();
            layers.get(i).forward(ctx, act[i], act[i + 1], scratch[i], n, training);
            if (profile != null) profile.forward(i, System.nanoTime() - t);
        }
        return output();
    }

    /** Back-propagates {@link #outputGrad()} and sets every parameter's gradient. */
    public void backward(Layer.Context ctx, int n) {
        checkBatch(n);
        List<Layer> layers = model.layers();
        for (int i = layers.size() - 1; i >= firstTrainable; i--) {
            float[] dx = i > firstTrainable ? grad[i] : null;
            long t = profile == null ? 0 : System.nanoTime();
            layers.get(i).backward(ctx, act[i], act[i + 1], grad[i + 1], dx, scratch[i], n);
            if (profile != null) profile.backward(i, System.nanoTime() - t);
        }
    }

    /** Whether backward computes layer i's input gradient (not for layers before the first parameter). */
    public boolean needsInputGradient(int layer) {
        return layer > firstTrainable;
    }

    private void checkBatch(int n) {
        if (n < 1 || n > capacity) throw new IllegalArgumentException("batch of " + n + " for a workspace of " + capacity);
    }
}
