package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ceiling the other benchmarks are a share of: {@link Kernels#fmaProbe}, register-only FMA chains,
 * {@code flops} (rounded up to whole rounds, under 0.01% more) per op, so the report shows GFLOP/s. Run
 * it in the same run as MatmulBench to read matmul rates as "% of peak" on this machine as it is now.
 */
@State(Scope.Thread)
public class PeakBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"16777216"})
    public long flops;

    private Kernels kernels;
    private final float[] sink = new float[1];

    @Setup
    public void setup() {
        kernels = Inputs.kernels(impl);
    }

    /** Returning the flop count and leaving the sum in a field keeps the chains alive. */
    @Benchmark
    public long fma() {
        return kernels.fmaProbe(flops, sink);
    }
}
