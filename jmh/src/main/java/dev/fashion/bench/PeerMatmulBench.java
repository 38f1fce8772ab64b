package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our vector matmul ({@code lib=fashion}) against other JVM libraries at the reference layer shapes, in
 * the same three forms and on the same arrays as {@link MatmulBench}: EJML and ojalgo (pure Java),
 * netlib-java's Java BLAS (Vector API) and jblas (native OpenBLAS). Each library's result is checked
 * against the scalar kernel in set-up, so a wrong transpose cannot win. One thread each: run jblas with
 * {@code OPENBLAS_NUM_THREADS=1} for a like-for-like ranking.
 */
@State(Scope.Thread)
public class PeerMatmulBench extends BenchDefaults {

    @Param({"fashion", "ejml", "ojalgo", "netlib", "jblas"})
    public String lib;

    @Param({"1x784x256", "1x256x128", "1x128x64", "1x64x10",
            "64x784x256", "64x256x128", "64x128x64", "64x64x10",
            "256x784x256", "256x256x128", "256x128x64", "256x64x10"})
    public String shape;

    private PeerGemm gemm;
    private LayerMatrices mx;

    @Setup
    public void setup() {
        gemm = PeerGemm.of(lib);
        mx = new LayerMatrices(shape);
        check();
        System.out.println("# lib " + lib + ": " + gemm.describe());
    }

    private void check() {
        Kernels ref = Inputs.kernels("scalar");
        LayerMatrices s = mx;
        float[] want = new float[s.batch * s.out];
        ref.matmulTransB(s.x, s.w, want, s.batch, s.in, s.out, 0, s.batch, 0, s.out, false);
        forward();
        compare("forward", want, s.y, s.in);
        want = new float[s.batch * s.in];
        ref.matmul(s.dy, s.w, want, s.batch, s.out, s.in, 0, s.batch, 0, s.in, false);
        gradInput();
        compare("gradInput", want, s.dx, s.out);
        want = new float[s.out * s.in];
        ref.matmulTransA(s.dy, s.x, want, s.out, s.batch, s.in, 0, s.out, 0, s.in, false);
        gradWeight();
        compare("gradWeight", want, s.dw, s.batch);
    }

    private void compare(String form, float[] want, float[] got, int k) {
        // Inputs are ~N(0,1): a dot product of k terms has magnitude ~sqrt(k) and rounding error ~k·eps.
        double tol = 1e-5 * k + 1e-4;
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new IllegalStateException(lib + " " + form + " at " + shape + ": element " + i + " is "
                        + got[i] + ", expected " + want[i]);
            }
        }
    }

    @Benchmark
    public float[] forward() {
        LayerMatrices s = mx;
        gemm.abt(s.x, s.w, s.y, s.batch, s.in, s.out);
        return s.y;
    }

    @Benchmark
    public float[] gradInput() {
        LayerMatrices s = mx;
        gemm.ab(s.dy, s.w, s.dx, s.batch, s.out, s.in);
        return s.dx;
    }

    @Benchmark
    public float[] gradWeight() {
        LayerMatrices s = mx;
        gemm.atb(s.dy, s.x, s.dw, s.out, s.batch, s.in);
        return s.dw;
    }
}
