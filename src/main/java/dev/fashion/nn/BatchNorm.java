package dev.fashion.nn;

import dev.fashion.parallel.ParallelConvKernels;

import java.util.List;

/**
 * Batch normalisation with PyTorch's semantics (BatchNorm2d over the channels of [N, C, H, W],
 * BatchNorm1d over the features of [N, F]): in training, each channel is normalised by its batch mean and
 * biased variance and the running statistics move by {@code momentum} toward the batch's mean and
 * unbiased variance; in evaluation the running statistics are used. Affine weight (init 1) and bias
 * (init 0); eps 1e-5, momentum 0.1 by default. State_dict names: {@code weight, bias, running_mean,
 * running_var, num_batches_tracked} (the last an integer scalar).
 *
 * <p>The statistics are sums per channel in the kernels' fixed order (see {@code ConvKernels}), each
 * channel on one thread: the same bits for any thread count. Followed by a ReLU, the workspace fuses it:
 * the ReLU is applied in the normalising sweep and its mask in the backward sums.
 */
public final class BatchNorm extends Layer {
    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_MOMENTUM = 0.1f;

    private final int declared;
    private final float eps;
    private final float momentum;
    private int channels, p;
    private Parameter weight, bias;
    private Buffer runningMean, runningVar, batches;
    // Per-channel working values of the last training pass (mean, 1/sqrt(var + eps)) and the sweep's factors.
    private float[] mean, var, invstd, scale, shift, sumG, sumGX, a, b;
    private float[] evalMean, evalScale;

    public BatchNorm(String name, int declared, float eps, float momentum) {
        super(name);
        this.declared = declared;
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override
    public String type() {
        return "batch_norm";
    }

    @Override
    protected Shape infer(Shape input) {
        if (input.rank() == 3) {
            channels = input.dim(0);
            p = input.dim(1) * input.dim(2);
        } else if (input.rank() == 1) {
            channels = input.dim(0);
            p = 1;
        } else {
            throw shapeError("[N, C, H, W] or [N, features]", input);
        }
        if (declared > 0 && declared != channels) {
            throw shapeError(input.rank() == 3 ? "[N, " + declared + ", H, W] (in: " + declared + ")"
                    : "[N, " + declared + "] (in: " + declared + ")", input);
        }
        weight = new Parameter(name() + ".weight", channels);
        bias = new Parameter(name() + ".bias", channels);
        runningMean = Buffer.floats(name() + ".running_mean", channels);
        runningVar = Buffer.floats(name() + ".running_var", channels);
        batches = Buffer.counter(name() + ".num_batches_tracked");
        java.util.Arrays.fill(runningVar.data(), 1f);
        mean = new float[channels];
        var = new float[channels];
        invstd = new float[channels];
        scale = new float[channels];
        shift = new float[channels];
        sumG = new float[channels];
        sumGX = new float[channels];
        a = new float[channels];
        b = new float[channels];
        evalMean = new float[channels];
        evalScale = new float[channels];
        return input;
    }

    public int channels() {
        return channels;
    }

    public float eps() {
        return eps;
    }

    public float momentum() {
        return momentum;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Buffer runningMean() {
        return runningMean;
    }

    public Buffer runningVar() {
        return runningVar;
    }

    public Buffer numBatchesTracked() {
        return batches;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public List<Buffer> buffers() {
        return List.of(runningMean, runningVar, batches);
    }

    /** PyTorch's reset_parameters: weight 1, bias 0, running mean 0, running variance 1, count 0 (no draws). */
    @Override
    public void initialize(Rng rng) {
        java.util.Arrays.fill(weight.data(), 1f);
        java.util.Arrays.fill(bias.data(), 0f);
        java.util.Arrays.fill(runningMean.data(), 0f);
        java.util.Arrays.fill(runningVar.data(), 1f);
        batches.setCount(0);
    }

    @Override
    public long forwardFlops(int n) {
        return 5L * n * channels * p; // two statistics passes and the sweep's subtract and FMA
    }

    @Override
    public long backwardFlops(int n, boolean inputGradient) {
        return (long) n * channels * p * (inputGradient ? 8 : 4);
    }

    @Override
    public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
        forward(ctx, x, y, n, training, false);
    }

    /** y = batch norm of x, then ReLU when {@code relu} (the workspace fuses a following ReLU). */
    public void forward(Context ctx, float[] x, float[] y, int n, boolean training, boolean relu) {
        ParallelConvKernels k = ctx.kernels().conv();
        float[] w = weight.data(), bb = bias.data();
        if (!training) {
            float[] rm = runningMean.data(), rv = runningVar.data();
            for (int c = 0; c < channels; c++) {
                evalMean[c] = rm[c];
                evalScale[c] = w[c] * (float) (1.0 / Math.sqrt(rv[c] + eps));
            }
            k.batchNorm(x, y, evalMean, evalScale, bb, relu, n, channels, p);
            return;
        }
        long count = (long) n * p;
        k.channelSums(x, mean, n, channels, p);
        for (int c = 0; c < channels; c++) mean[c] /= count;
        k.channelSquaredDeviations(x, mean, var, n, channels, p);
        float[] rm = runningMean.data(), rv = runningVar.data();
        // PyTorch refuses one value per channel in training; the unbiased variance would divide by zero.
        float unbias = count > 1 ? (float) count / (count - 1) : 1f;
        for (int c = 0; c < channels; c++) {
            var[c] /= count;
            invstd[c] = (float) (1.0 / Math.sqrt(var[c] + eps));
            scale[c] = w[c] * invstd[c];
            shift[c] = bb[c];
            rm[c] = (1f - momentum) * rm[c] + momentum * mean[c];
            rv[c] = (1f - momentum) * rv[c] + momentum * (var[c] * unbias);
        }
        batches.setCount(batches.count() + 1);
        k.batchNorm(x, y, mean, scale, shift, relu, n, channels, p);
    }

    @Override
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
        backward(ctx, x, y, dy, dx, n, false);
    }

    /**
     * Sets the weight and bias gradients and, when dx is not null, the input gradient. With {@code relu}, y is
     * the fused ReLU's output and dy its output's gradient: the mask y &gt; 0 is applied on the way.
     */
    public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, int n, boolean relu) {
        ParallelConvKernels k = ctx.kernels().conv();
        float[] mask = relu ? y : null;
        k.batchNormSums(x, mask, dy, mean, invstd, sumG, sumGX, n, channels, p);
        float[] dw = weight.grad(), db = bias.grad();
        long count = (long) n * p;
        for (int c = 0; c < channels; c++) {
            dw[c] = sumGX[c];
            db[c] = sumG[c];
            a[c] = sumG[c] / count;
            b[c] = sumGX[c] / count;
        }
        if (dx != null) k.batchNormBackward(x, mask, dy, dx, mean, invstd, a, b, scale, n, channels, p);
    }
}
