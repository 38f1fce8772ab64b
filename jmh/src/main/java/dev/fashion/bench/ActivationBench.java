package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Element-wise kernels on a {@code ROWSxCOLS} activation (16K to 1M floats): ReLU forward and backward,
 * and the bias add after a matmul. Bytes moved per op: ReLU 8 per element (read x, write y), ReLU
 * backward 12 (read y and dy, write dx), bias add 8 (read and write c).
 */
@State(Scope.Thread)
public class ActivationBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"64x256", "256x256", "1024x256", "4096x256"})
    public String shape;

    private Kernels kernels;
    private int rows;
    private int cols;
    private float[] x;
    private float[] y;
    private float[] relued;
    private float[] dy;
    private float[] dx;
    private float[] bias;
    private float[] c;

    @Setup
    public void setup() {
        kernels = Inputs.kernels(impl);
        int[] d = Inputs.dims(shape, 2);
        rows = d[0];
        cols = d[1];
        int size = rows * cols;
        x = Inputs.gaussian(size, 11);
        y = new float[size];
        relued = new float[size];
        for (int i = 0; i < size; i++) relued[i] = Math.max(x[i], 0f);
        dy = Inputs.gaussian(size, 12);
        dx = new float[size];
        bias = Inputs.gaussian(cols, 13);
        c = Inputs.gaussian(size, 14);
    }

    @Benchmark
    public float[] relu() {
        kernels.relu(x, y, 0, rows * cols);
        return y;
    }

    @Benchmark
    public float[] reluBackward() {
        kernels.reluBackward(relued, dy, dx, 0, rows * cols);
        return dx;
    }

    /** In place, as the layer does it; c drifts by the bias each call, which costs nothing extra. */
    @Benchmark
    public float[] addBias() {
        kernels.addBias(c, bias, cols, 0, rows);
        return c;
    }
}
