package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread matmul straight through the {@link Kernels} interface, in the three forms a linear
 * layer's training needs: one core's rate, with no scheduler in the way ({@link ParallelMatmulBench} has
 * the same forms on 1 or 2 threads).
 * A shape is {@code BATCHxINxOUT}: batch rows through a layer with IN inputs and OUT outputs; each form
 * then costs 2·BATCH·IN·OUT flops. The square shapes (NxNxN) show how cost grows with size.
 */
@State(Scope.Thread)
public class MatmulBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"1x784x256", "1x256x128", "1x128x64", "1x64x10",
            "64x784x256", "64x256x128", "64x128x64", "64x64x10",
            "256x784x256", "256x256x128", "256x128x64", "256x64x10",
            "128x128x128", "256x256x256", "512x512x512", "1024x1024x1024"})
    public String shape;

    private Kernels kernels;
    private LayerMatrices mx;

    @Setup
    public void setup() {
        kernels = Inputs.kernels(impl);
        mx = new LayerMatrices(shape);
    }

    /** Y[B,OUT] = X[B,IN]·W[OUT,IN]ᵀ: the layer's forward pass. */
    @Benchmark
    public float[] forward() {
        LayerMatrices s = mx;
        kernels.matmulTransB(s.x, s.w, s.y, s.batch, s.in, s.out, 0, s.batch, 0, s.out, false);
        return s.y;
    }

    /** dX[B,IN] = dY[B,OUT]·W[OUT,IN]: the gradient passed to the layer below. */
    @Benchmark
    public float[] gradInput() {
        LayerMatrices s = mx;
        kernels.matmul(s.dy, s.w, s.dx, s.batch, s.out, s.in, 0, s.batch, 0, s.in, false);
        return s.dx;
    }

    /** dW[OUT,IN] = dY[B,OUT]ᵀ·X[B,IN]: the weight gradient. */
    @Benchmark
    public float[] gradWeight() {
        LayerMatrices s = mx;
        kernels.matmulTransA(s.dy, s.x, s.dw, s.out, s.batch, s.in, 0, s.out, 0, s.in, false);
        return s.dw;
    }
}
