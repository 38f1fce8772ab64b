package dev.fashion.report;

/**
 * Turns a benchmark's ops/s into a unit that means something, from its name and {@code @Param} shape
 * (the conversions jmh/README.md documents): GFLOP/s for matmul (2·B·IN·OUT flops per op), GB/s for
 * element-wise and row-wise kernels (bytes read plus written per op), images/s for the training step and
 * inference. Anything unknown stays in ops/s; non-throughput modes are left as JMH reported them.
 */
public final class BenchUnits {

    /** A score with its error in some unit. */
    public record Rate(double value, double error, String unit) {
    }

    private BenchUnits() {
    }

    public static Rate of(JmhResult r) {
        double perSecond = opsPerSecondFactor(r);
        if (!r.mode().equals("thrpt") || Double.isNaN(perSecond)) return new Rate(r.score(), r.error(), r.unit());
        double ops = r.score() * perSecond;
        double err = r.error() * perSecond;
        Work w = work(r);
        return new Rate(ops * w.perOp, err * w.perOp, w.unit);
    }

    /** True for the single-thread matmul benchmarks, whose rates are GFLOP/s and go on the size chart. */
    public static boolean isMatmul(JmhResult r) {
        return r.benchClass().equals("MatmulBench") || r.benchClass().equals("PeerMatmulBench");
    }

    /** ∛(m·k·n): N for an N×N×N product, the x axis of the scaling chart; NaN without a 3-part shape. */
    public static double matrixSize(JmhResult r) {
        int[] d = dims(r.param("shape"), 3);
        return d == null ? Double.NaN : Math.cbrt((double) d[0] * d[1] * d[2]);
    }

    private record Work(double perOp, String unit) {
    }

    private static final Work OPS = new Work(1, "ops/s");

    private static Work work(JmhResult r) {
        switch (r.benchClass()) {
            case "MatmulBench", "PeerMatmulBench", "ParallelMatmulBench" -> {
                int[] d = dims(r.param("shape"), 3);
                return d == null ? OPS : new Work(2.0 * d[0] * d[1] * d[2] / 1e9, "GFLOP/s");
            }
            case "ActivationBench", "SoftmaxBench" -> {
                int[] d = dims(r.param("shape"), 2);
                int bytes = switch (r.method()) {
                    case "reluBackward" -> 12; // read y and dy, write dx
                    default -> 8;              // read one array, write one
                };
                return d == null ? OPS : new Work((double) bytes * d[0] * d[1] / 1e9, "GB/s");
            }
            case "ConvBench" -> {
                // The reference CNN at batch 128: conv1 1->32 at 28x28, conv2 32->64 at 14x14, 3x3 kernels.
                boolean first = "conv1".equals(r.param("layer"));
                double in = first ? 1 : 32, out = first ? 32 : 64, hw = first ? 784 : 196, elems = 128 * out * hw;
                return switch (r.method()) {
                    case "forward", "forwardIm2col", "weightGradient", "weightGradientIm2col", "inputGradient" ->
                            new Work(2 * 128 * out * in * 9 * hw / 1e9, "GFLOP/s");
                    case "maxPool", "maxPoolBackward" -> new Work(6 * elems / 1e9, "GB/s"); // per input: read 4, write 2 (or the reverse)
                    case "outputWrite" -> new Work(4 * elems / 1e9, "GB/s");               // store the output once
                    case "batchNorm" -> new Work(16 * elems / 1e9, "GB/s");          // read x three times, write y
                    case "batchNormBackward" -> new Work(28 * elems / 1e9, "GB/s");  // read x, y, dy twice, write dx
                    default -> OPS;
                };
            }
            case "PeakBench" -> {
                long flops = positive(r.param("flops"));
                return flops < 0 ? OPS : new Work(flops / 1e9, "GFLOP/s");
            }
            case "AdamBench" -> {
                long size = positive(r.param("size"));
                return size < 0 ? OPS : new Work(28.0 * size / 1e9, "GB/s"); // read p, g, m, v; write p, m, v
            }
            case "TrainStepBench" -> {
                long batch = positive(r.param("batch"));
                return batch < 0 ? OPS : new Work(batch, "images/s");
            }
            case "InferenceBench" -> {
                long images = positive(r.param("images"));
                return images < 0 ? OPS : new Work(images, "images/s");
            }
            default -> {
                return OPS;
            }
        }
    }

    private static double opsPerSecondFactor(JmhResult r) {
        return switch (r.unit()) {
            case "ops/s" -> 1;
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            case "ops/ns" -> 1e9;
            case "ops/min" -> 1.0 / 60;
            default -> Double.NaN;
        };
    }

    static int[] dims(String shape, int count) {
        if (shape == null) return null;
        String[] parts = shape.split("x");
        if (parts.length != count) return null;
        int[] d = new int[count];
        for (int i = 0; i < count; i++) {
            long v = positive(parts[i]);
            if (v < 0 || v > Integer.MAX_VALUE) return null;
            d[i] = (int) v;
        }
        return d;
    }

    private static long positive(String s) {
        if (s == null) return -1;
        try {
            long v = Long.parseLong(s.trim());
            return v > 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
