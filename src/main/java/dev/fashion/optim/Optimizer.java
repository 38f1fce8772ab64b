package dev.fashion.optim;

import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients. Each algorithm adds one small per-parameter step; state
 * (moments, step count) is kept per parameter and can be exported for checkpoints.
 */
public abstract class Optimizer {
    protected final List<Parameter> parameters;
    protected long step;

    protected Optimizer(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
    }

    /** Applies one update to every parameter from its current gradient. */
    public final void step(ParallelKernels kernels) {
        step++;
        update(kernels);
    }

    /** Updates every parameter from its gradient ({@link #step} has counted the step). */
    protected abstract void update(ParallelKernels kernels);

    /** Steps taken so far. */
    public long steps() {
        return step;
    }

    public void setSteps(long steps) {
        this.step = steps;
    }

    /** The config's name of the algorithm, e.g. "adam". */
    public abstract String type();

    /** Named state buffers (e.g. {@code fc1.weight.exp_avg}), live: writing into them restores state. */
    public abstract Map<String, float[]> state();

    protected static Map<String, float[]> namedState(List<Parameter> params, String suffix, float[][] buffers,
                                                     Map<String, float[]> into) {
        for (int i = 0; i < params.size(); i++) into.put(params.get(i).name() + "." + suffix, buffers[i]);
        return into;
    }

    protected static float[][] zerosLike(List<Parameter> params) {
        float[][] b = new float[params.size()][];
        for (int i = 0; i < b.length; i++) b[i] = new float[params.get(i).size()];
        return b;
    }

    /** Helper for state(): an ordered map. */
    protected static Map<String, float[]> newState() {
        return new LinkedHashMap<>();
    }
}
