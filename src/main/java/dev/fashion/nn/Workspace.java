package dev.fashion.nn;

import java.util.List;

/**
 * Every buffer one pass over a model needs, allocated once for up to {@code capacity} samples:
 * activations {@code act[i]} (input of layer i; the last is the model output), their gradients, and
 * each layer's scratch. A training step then allocates nothing.
 *
 * <p>The workspace also plans how the layers run. With fusion on (the default) it saves whole passes
 * over memory: a ReLU after a linear layer is applied inside the linear layer's forward sweep (the two
 * share one buffer), and its gradient mask inside the next linear layer's input-gradient sweep; a final
 * log_softmax under the NLL loss takes its gradient from the loss directly (see {@link
 * #lossGradientIsForLogits()}); a flatten is a view. A ReLU after a batch norm is applied in the
 * normalising sweep and its mask in batch norm's backward sums (the ReLU's output gradient is batch
 * norm's). Fused and unfused plans compute the same function.
 */
public final class Workspace {
    private final Model model;
    private final int capacity;
    private final float[][] act;
    private final float[][] grad;
    private final float[][] scratch;
    /** Index of the first layer that has parameters: no input gradient is needed before it. */
    private final int firstTrainable;
    /** Layer i is a linear or batch norm layer that applies the following ReLU itself. */
    private final boolean[] reluFused;
    /** Layer i needs no forward pass: a ReLU the layer before applied, or a flatten (its output is its input). */
    private final boolean[] forwardDone;
    /** Layer i passes its gradient through unchanged: a ReLU whose mask the layer after applies, or a flatten. */
    private final boolean[] backwardDone;
    /** Layer i is a linear layer whose input is a ReLU output whose mask it applies to dx. */
    private final boolean[] masksInput;
    private final boolean logitsGradient;
    private LayerTimer profile;

    public Workspace(Model model, int capacity) {
        this(model, capacity, true);
    }

    public Workspace(Model model, int capacity, boolean fuse) {
        this.model = model;
        this.capacity = capacity;
        List<Layer> layers = model.layers();
        int n = layers.size();
        reluFused = new boolean[n];
        forwardDone = new boolean[n];
        backwardDone = new boolean[n];
        masksInput = new boolean[n];
        int first = n;
        for (int i = 0; i < n; i++) {
            if (first == n && !layers.get(i).parameters().isEmpty()) first = i;
        }
        firstTrainable = first;
        if (fuse) {
            for (int i = 0; i + 1 < n; i++) {
                if (layers.get(i) instanceof Linear && layers.get(i + 1) instanceof Relu) {
                    reluFused[i] = true;
                    forwardDone[i + 1] = true;
                    // The consumer of the ReLU output can apply its mask if it is a linear layer that computes dx.
                    if (i + 2 < n && layers.get(i + 2) instanceof Linear && i + 2 > firstTrainable) {
                        backwardDone[i + 1] = true;
                        masksInput[i + 2] = true;
                    }
                }
                if (layers.get(i) instanceof BatchNorm && layers.get(i + 1) instanceof Relu) {
                    reluFused[i] = true;
                    forwardDone[i + 1] = true;
                    backwardDone[i + 1] = true; // batch norm's backward applies the mask, from its (shared) output
                }
            }
        }
        if (fuse) {
            // [N, C, H, W] is already laid out as [N, C·H·W]: a flatten shares its neighbours' buffers
            // instead of copying 200 KB each way per batch-64 step.
            for (int i = 0; i < n; i++) {
                if (layers.get(i) instanceof Flatten) {
                    forwardDone[i] = true;
                    backwardDone[i] = true;
                }
            }
        }
        logitsGradient = fuse && layers.get(n - 1) instanceof LogSoftmax && n - 1 > firstTrainable;

        act = new float[n + 1][];
        grad = new float[n + 1][];
        scratch = new float[n][];
        act[0] = new float[capacity * model.inputShape().size()];
        for (int i = 0; i < n; i++) {
            Layer layer = layers.get(i);
            // A fused ReLU or a flatten writes nothing of its own: its output is its input buffer.
            act[i + 1] = forwardDone[i] ? act[i] : new float[capacity * layer.outputShape().size()];
            scratch[i] = new float[capacity * layer.scratchPerSample()];
        }
        for (int i = n; i > firstTrainable; i--) {
            // A layer that passes its gradient through unchanged shares the buffer.
            grad[i] = i < n && backwardDone[i] ? grad[i + 1] : new float[act[i].length];
        }
        if (logitsGradient) grad[n] = grad[n - 1];
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

    /** Where the loss writes its gradient before {@link #backward}. */
    public float[] outputGrad() {
        return grad[grad.length - 1];
    }

    /**
     * True when the model ends in log_softmax and the loss must write its gradient with respect to the
     * log_softmax input (the logits) rather than its output; for NLL that is (exp(output) - onehot) / n.
     */
    public boolean lossGradientIsForLogits() {
        return logitsGradient;
    }

    /** Records each layer's forward and backward time into {@code profile} (null: stop recording). */
    public void profile(LayerTimer profile) {
        this.profile = profile;
    }

    /** Runs every layer forward on the first n samples of {@link #input()}. */
    public float[] forward(Layer.Context ctx, int n, boolean training) {
        checkBatch(n);
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (forwardDone[i]) continue;
            long t = profile == null ? 0 : System.nanoTime();
            Layer layer = layers.get(i);
            if (reluFused[i] && layer instanceof BatchNorm bn) bn.forward(ctx, act[i], act[i + 1], n, training, true);
            else if (reluFused[i]) ((Linear) layer).forward(ctx, act[i], act[i + 1], n, true);
            else layer.forward(ctx, act[i], act[i + 1], scratch[i], n, training);
            if (profile != null) profile.forward(i, System.nanoTime() - t);
        }
        return output();
    }

    /** Back-propagates {@link #outputGrad()} and sets every parameter's gradient. */
    public void backward(Layer.Context ctx, int n) {
        checkBatch(n);
        List<Layer> layers = model.layers();
        int last = layers.size() - 1;
        for (int i = last; i >= firstTrainable; i--) {
            if (backwardDone[i] || (i == last && logitsGradient)) continue;
            float[] dx = i > firstTrainable ? grad[i] : null;
            long t = profile == null ? 0 : System.nanoTime();
            Layer layer = layers.get(i);
            if (layer instanceof Linear linear) linear.backward(ctx, act[i], grad[i + 1], dx, n, masksInput[i]);
            else if (layer instanceof BatchNorm bn) bn.backward(ctx, act[i], act[i + 1], grad[i + 1], dx, n, reluFused[i]);
            else layer.backward(ctx, act[i], act[i + 1], grad[i + 1], dx, scratch[i], n);
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
