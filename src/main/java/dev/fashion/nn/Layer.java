package dev.fashion.nn;

import dev.fashion.FashionException;
import dev.fashion.parallel.ParallelKernels;

import java.util.List;

/**
 * One node of the model graph. Forward and backward live side by side; buffers are owned by a
 * {@link Workspace} so a layer allocates nothing per step. Batched tensors are {@code [n, ...shape]}.
 */
public abstract class Layer {
    private final String name;
    private Shape inputShape;
    private Shape outputShape;

    protected Layer(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** The config's name for this kind of layer, e.g. "linear". */
    public abstract String type();

    /** Infers and fixes this layer's shapes; a mismatch names the layer and both shapes. */
    public final Shape bind(Shape input) {
        this.outputShape = infer(input);
        this.inputShape = input;
        return outputShape;
    }

    protected abstract Shape infer(Shape input);

    public final Shape inputShape() {
        return inputShape;
    }

    public final Shape outputShape() {
        return outputShape;
    }

    public List<Parameter> parameters() {
        return List.of();
    }

    /** Non-trainable state saved with the weights (batch norm's running statistics), in state_dict order. */
    public List<Buffer> buffers() {
        return List.of();
    }

    /** Sets parameters to their initial values (PyTorch's defaults), from {@code rng}. */
    public void initialize(Rng rng) {
    }

    /** Floating-point operations of a forward pass over n samples (multiply-adds count two), for reports. */
    public long forwardFlops(int n) {
        return 0;
    }

    /** Floating-point operations of a backward pass over n samples, with or without the input gradient. */
    public long backwardFlops(int n, boolean inputGradient) {
        return 0;
    }

    /** Per-sample floats of scratch this layer keeps between forward and backward (dropout's mask). */
    public int scratchPerSample() {
        return 0;
    }

    /** y = f(x) for n samples. {@code scratch} is this layer's own buffer from the workspace. */
    public abstract void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training);

    /**
     * Given dy, sets the parameters' gradients (overwriting them) and, when dx is not null, the input
     * gradient. x and y are this layer's input and output from the last forward pass.
     */
    public abstract void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n);

    /** An error about this layer's input shape. */
    protected final FashionException shapeError(String expected, Shape got) {
        return new FashionException("layer " + name + " (" + type() + "): expects input " + expected
                + ", got " + got.batched());
    }

    /** Shared shape rule of the image layers: {@code [C, H, W]} per sample. */
    protected final Shape requireImage(Shape input) {
        if (input.rank() != 3) throw shapeError("[N, C, H, W]", input);
        return input;
    }

    /** An error about this layer's settings against its input, e.g. a kernel larger than the padded input. */
    protected final FashionException configError(String problem) {
        return new FashionException("layer " + name + " (" + type() + "): " + problem);
    }

    /** Shared shape rule of the layers that take flat rows. */
    protected final Shape requireFlat(Shape input) {
        if (input.rank() != 1) throw shapeError("[N, features] (add a flatten layer before it)", input);
        return input;
    }

    /** What the kernels and the step's random stream are, for one pass. */
    public record Context(ParallelKernels kernels, Rng rng) {
    }
}
