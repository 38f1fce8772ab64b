package dev.fashion.optim;

import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;

import java.util.List;
import java.util.Map;

/** Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD with dampening 0. */
public final class Sgd extends Optimizer {
    private final float lr;
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private final float[][] buffers;

    public Sgd(List<Parameter> parameters, float lr, float momentum, float weightDecay, boolean nesterov) {
        super(parameters);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
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
            kernels.sgd(p.data(), p.grad(), buffers[i], p.size(), lr, momentum, weightDecay, nesterov);
        }
    }

    @Override
    public Map<String, float[]> state() {
        return momentum == 0f ? newState() : namedState(parameters, "momentum_buffer", buffers, newState());
    }
}
