package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Row-wise softmax and log-softmax on {@code ROWSxCLASSES} scores: the model's 10-class output at batch
 * 64, 256 and 4096, and a 1000-class row for comparison. 8 bytes per element (read x, write y).
 */
@State(Scope.Thread)
public class SoftmaxBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"64x10", "256x10", "4096x10", "256x1000"})
    public String shape;

    private Kernels kernels;
    private int rows;
    private int cols;
    private float[] x;
    private float[] y;

    @Setup
    public void setup() {
        kernels = Inputs.kernels(impl);
        int[] d = Inputs.dims(shape, 2);
        rows = d[0];
        cols = d[1];
        x = Inputs.gaussian(rows * cols, 21);
        for (int i = 0; i < x.length; i++) x[i] *= 4; // logits with a realistic spread
        y = new float[rows * cols];
    }

    @Benchmark
    public float[] softmax() {
        kernels.softmax(x, y, cols, 0, rows);
        return y;
    }

    @Benchmark
    public float[] logSoftmax() {
        kernels.logSoftmax(x, y, cols, 0, rows);
        return y;
    }
}
