package dev.fashion.optim;

import dev.fashion.nn.Layer;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their gradients. Each algorithm adds one small per-parameter step; state
 * (moments, step count) is kept per parameter and can be exported for checkpoints. The learning rate
 * may change between steps (a schedule sets it before each one).
 */
public abstract class Optimizer {
    /** Parameter groups that {@code no_decay} can exempt from weight decay. */
    public static final List<String> DECAY_GROUPS = List.of("bias", "norm");

    protected final List<Parameter> parameters;
    protected long step;
    /** The learning rate of the next step; double, as PyTorch's schedulers compute it. */
    protected double lr;

    protected Optimizer(List<Parameter> parameters, double lr) {
        this.parameters = List.copyOf(parameters);
        this.lr = lr;
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

    /** The learning rate the next step uses. */
    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    /** The config's name of the algorithm, e.g. "adam". */
    public abstract String type();

    /** Named state buffers (e.g. {@code fc1.weight.exp_avg}), live: writing into them restores state. */
    public abstract Map<String, float[]> state();

    /**
     * The weight decay of each of the model's parameters, in {@link Model#parameters()} order:
     * {@code weightDecay}, or 0 for a parameter in an exempt group: "bias" (any {@code *.bias}) or
     * "norm" (every parameter of a normalisation layer, one whose type contains "norm").
     */
    public static float[] decayPerParameter(Model model, float weightDecay, Set<String> exempt) {
        float[] decay = new float[model.parameters().size()];
        int i = 0;
        for (Layer layer : model.layers()) {
            boolean norm = layer.type().contains("norm");
            for (Parameter p : layer.parameters()) {
                boolean bias = p.name().endsWith(".bias");
                boolean free = (exempt.contains("norm") && norm) || (exempt.contains("bias") && bias);
                decay[i++] = free ? 0f : weightDecay;
            }
        }
        return decay;
    }

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

    /** A per-parameter decay array of {@code params.size()} copies of {@code weightDecay}. */
    protected static float[] uniform(List<Parameter> params, float weightDecay) {
        float[] d = new float[params.size()];
        java.util.Arrays.fill(d, weightDecay);
        return d;
    }
}
