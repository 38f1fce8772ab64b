package dev.fashion.bench;

import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The three matmul forms as training calls them: through {@link ParallelKernels} on the project's own
 * pool of 1 or 2 threads, split the way a training step splits them (forward by output columns, weight
 * gradients by rows of dW). Shapes as in {@link MatmulBench}; 2·B·IN·OUT flops per op. Against
 * MatmulBench at threads=1 this shows the facade's cost; at threads=2, what the second core adds.
 */
@State(Scope.Thread)
public class ParallelMatmulBench extends BenchDefaults {

    @Param({"vector"})
    public String impl;

    @Param({"64x784x256", "64x256x128", "256x784x256", "256x256x128"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private Scheduler scheduler;
    private ParallelKernels kernels;
    private LayerMatrices mx;

    @Setup
    public void setup() {
        scheduler = new Scheduler(threads);
        kernels = new ParallelKernels(Inputs.kernels(impl), scheduler);
        mx = new LayerMatrices(shape);
    }

    @TearDown
    public void tearDown() {
        scheduler.close();
    }

    /** Y[B,OUT] = X[B,IN]·W[OUT,IN]ᵀ. */
    @Benchmark
    public float[] forward() {
        LayerMatrices s = mx;
        kernels.matmulTransB(s.x, s.w, s.y, s.batch, s.in, s.out, false);
        return s.y;
    }

    /** dX[B,IN] = dY[B,OUT]·W[OUT,IN]. */
    @Benchmark
    public float[] gradInput() {
        LayerMatrices s = mx;
        kernels.matmul(s.dy, s.w, s.dx, s.batch, s.out, s.in, false);
        return s.dx;
    }

    /** dW[OUT,IN] = dY[B,OUT]ᵀ·X[B,IN]. */
    @Benchmark
    public float[] gradWeight() {
        LayerMatrices s = mx;
        kernels.matmulTransA(s.dy, s.x, s.dw, s.out, s.batch, s.in, false);
        return s.dw;
    }
}
