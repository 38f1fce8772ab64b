package dev.fashion.optim;

import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;

import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015, "Adam: A Method for Stochastic Optimization") as torch.optim.Adam does it:
 * L2 weight decay added to the gradient, bias corrections applied to the step size and the denominator.
 * With {@code decoupled} it is torch.optim.AdamW (Loshchilov and Hutter, 2019): the weight shrinks by
 * {@code lr·weight_decay} of itself before the Adam step, and the gradient carries no decay term.
 */
public final class Adam extends Optimizer {
    private final boolean decoupled;
    private final float beta1;
    private final float beta2;
    private final float eps;
    /** Weight decay per parameter (0 for exempt ones). */
    private final float[] decay;
    private final float[][] m;
    private final float[][] v;

    public Adam(List<Parameter> parameters, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(parameters, lr, beta1, beta2, eps, uniform(parameters, weightDecay), false);
    }

    /** {@code decay[i]} is parameter i's weight decay; {@code decoupled} makes this AdamW. */
    public Adam(List<Parameter> parameters, double lr, float beta1, float beta2, float eps, float[] decay,
                boolean decoupled) {
        super(parameters, lr);
        if (decay.length != this.parameters.size()) throw new IllegalArgumentException("one decay per parameter");
        this.decoupled = decoupled;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decay = decay.clone();
        this.m = zerosLike(this.parameters);
        this.v = zerosLike(this.parameters);
        this.data = new float[this.parameters.size()][];
        this.grads = new float[data.length][];
        for (int i = 0; i < data.length; i++) {
            data[i] = this.parameters.get(i).data();
            grads[i] = this.parameters.get(i).grad();
        }
    }

    /** The parameters' values and gradients, for the one-call update. */
    private final float[][] data, grads;

    @Override
    public String type() {
        return decoupled ? "adamw" : "adam";
    }

    /** All parameters in one scheduler call (see ParallelKernels#adam(float[][], ...)). */
    @Override
    protected void update(ParallelKernels kernels) {
        kernels.adam(data, grads, m, v, (float) lr, beta1, beta2, eps, 0f, decay, decoupled, biasCorrection(beta1),
                biasCorrection(beta2));
    }

    /** 1 - beta^t in double: beta^t underflows gracefully and the float rounding is done once. */
    private float biasCorrection(float beta) {
        return (float) (1 - Math.pow(beta, step));
    }

    @Override
    public Map<String, float[]> state() {
        Map<String, float[]> s = newState();
        namedState(parameters, "exp_avg", m, s);
        return namedState(parameters, "exp_avg_sq", v, s);
    }
}
