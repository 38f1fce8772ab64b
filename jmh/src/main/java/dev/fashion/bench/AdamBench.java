package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Adam update over the reference model's parameters (242,762 for MLP 784-256-128-64-10) as one flat
 * range, as the optimizer sees each tensor. 28 bytes per element: read p, g, m, v; write p, m, v.
 */
@State(Scope.Thread)
public class AdamBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    /** The reference model's parameter count (ModelFactory on configs/mlp.yaml); any size works. */
    @Param({"242762"})
    public int size;

    private Kernels kernels;
    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private float bc1;
    private float bc2;

    @Setup
    public void setup() {
        kernels = Inputs.kernels(impl);
        p = Inputs.gaussian(size, 31);
        g = Inputs.gaussian(size, 32);
        m = new float[size];
        v = new float[size];
        // Bias corrections of a mid-training step: no special values.
        bc1 = (float) (1 - Math.pow(0.9, 100));
        bc2 = (float) (1 - Math.pow(0.999, 100));
    }

    @Benchmark
    public float[] adam() {
        kernels.adam(p, g, m, v, 0, size, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, bc1, bc2);
        return p;
    }
}
