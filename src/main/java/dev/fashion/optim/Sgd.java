package dev.fashion.optim;

import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD with dampening 0;
 * weight decay is L2, added to the gradient, per parameter (0 for exempt ones).
 */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final float[] decay;
    private final boolean nesterov;
    private final float[][] buffers;

    public Sgd(List<Parameter> parameters, float lr, float momentum, float weightDecay, boolean nesterov) {
        this(parameters, lr, momentum, uniform(parameters, weightDecay), nesterov);
    }

    public Sgd(List<Parameter> parameters, double lr, float momentum, float[] decay, boolean nesterov) {
        super(parameters, lr);
        if (decay.length != this.parameters.size()) throw new IllegalArgumentException("one decay per parameter");
        this.momentum = momentum;
        this.decay = decay.clone();
        this.nesterov = nesterov;
        this.buffers = zerosLike(this.parameters);
    }

    @Override
    public String type() {
        return "sgd";
    }

    @Override
    protected void update(ParallelKernels kernels) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            kernels.sgd(p.data(), p.grad(), buffers[i], p.size(), (float) lr, momentum, decay[i], nesterov);
        }
    }

    @Override
    public Map<String, float[]> state() {
        return momentum == 0f ? newState() : namedState(parameters, "momentum_buffer", buffers, newState());
    }
}
