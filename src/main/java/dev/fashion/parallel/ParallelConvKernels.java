package dev.fashion.parallel;

import dev.fashion.kernels.ConvKernels;
import dev.fashion.kernels.ConvShape;

/**
 * What the pooling and batch-norm layers call: whole-batch {@link ConvKernels} operations split over the
 * scheduler (convolutions split by image groups themselves, see {@code Conv2d}). Pooling splits by
 * image planes, each part writing only its own; batch norm splits by channels, so each channel's statistics are summed by one thread in the
 * kernels' fixed order and the weights do not depend on the thread count. Small work runs inline.
 * Nothing is allocated per call: one reusable job describes the split call, as in {@link ParallelKernels}.
 */
public final class ParallelConvKernels {

    /** Elements touched below which a hand-off (about a microsecond) does not pay. */
    static final long GRAIN = 1 << 14;

    private final ConvKernels kernels;
    private final Scheduler scheduler;
    private final Job job = new Job();

    public ParallelConvKernels(ConvKernels kernels, Scheduler scheduler) {
        this.kernels = kernels;
        this.scheduler = scheduler;
    }

    public ConvKernels kernels() {
        return kernels;
    }

    private enum Op { MAX_POOL, MAX_POOL_BACK, AVG_POOL, AVG_POOL_BACK, SUMS, SQ_DEV, BN, BN_SUMS, BN_BACK }

    public void maxPool(float[] x, float[] y, float[] argmax, ConvShape g, int n) {
        planes(job.set(Op.MAX_POOL, x, y, argmax, g, n * g.c()), (long) n * g.inSize());
    }

    public void maxPoolBackward(float[] dy, float[] argmax, float[] dx, ConvShape g, int n) {
        planes(job.set(Op.MAX_POOL_BACK, dy, argmax, dx, g, n * g.c()), (long) n * g.inSize());
    }

    public void avgPool(float[] x, float[] y, ConvShape g, int n) {
        planes(job.set(Op.AVG_POOL, x, y, null, g, n * g.c()), (long) n * g.inSize());
    }

    public void avgPoolBackward(float[] dy, float[] dx, ConvShape g, int n) {
        planes(job.set(Op.AVG_POOL_BACK, dy, dx, null, g, n * g.c()), (long) n * g.inSize());
    }

    /** sums[c] = Σ x[i, c, q] over the n images; see {@link ConvKernels#channelSums}. */
    public void channelSums(float[] x, float[] sums, int n, int channels, int p) {
        check(x, (long) n * channels * p, "x");
        check(sums, channels, "sums");
        channels(job.bn(Op.SUMS, x, null, null, null, null, null, null, null, null, sums, null, false, n, channels, p));
    }

    public void channelSquaredDeviations(float[] x, float[] mean, float[] sums, int n, int channels, int p) {
        check(x, (long) n * channels * p, "x");
        check(sums, channels, "sums");
        channels(job.bn(Op.SQ_DEV, x, null, null, null, mean, null, null, null, null, sums, null, false, n, channels, p));
    }

    public void batchNorm(float[] x, float[] y, float[] mean, float[] scale, float[] shift, boolean relu,
                          int n, int channels, int p) {
        check(x, (long) n * channels * p, "x");
        check(y, (long) n * channels * p, "y");
        channels(job.bn(Op.BN, x, y, null, null, mean, null, scale, shift, null, null, null, relu, n, channels, p));
    }

    public void batchNormSums(float[] x, float[] y, float[] dy, float[] mean, float[] invstd, float[] sumG,
                              float[] sumGX, int n, int channels, int p) {
        check(dy, (long) n * channels * p, "dy");
        channels(job.bn(Op.BN_SUMS, x, y, dy, null, mean, invstd, null, null, null, sumG, sumGX, false, n, channels, p));
    }

    public void batchNormBackward(float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd,
                                  float[] a, float[] b, float[] scale, int n, int channels, int p) {
        check(dx, (long) n * channels * p, "dx");
        channels(job.bn(Op.BN_BACK, x, y, dy, dx, mean, invstd, scale, a, b, null, null, false, n, channels, p));
    }

    private void planes(Job j, long work) {
        if (work < GRAIN || j.i1 < 2) j.inline(0, j.i1);
        else j.split(Math.min(scheduler.threads(), j.i1));
    }

    private void channels(Job j) {
        j.i0 = 0;
        j.i1 = j.channels;
        if ((long) j.n * j.channels * j.p < GRAIN || j.channels < 2) j.inline(0, j.channels);
        else j.split(Math.min(scheduler.threads(), j.channels));
    }

    /** One call's arguments; {@link #run} computes part p of [i0, i1). */
    private final class Job implements Scheduler.PartTask {
        Op op;
        float[] a, b, c, d, mean, invstd, scale, shift, e, out1, out2;
        ConvShape g;
        int i0, i1, parts, channels, p, n;
        boolean relu;

        Job set(Op op, float[] a, float[] b, float[] c, ConvShape g, int planes) {
            this.op = op;
            this.a = a;
            this.b = b;
            this.c = c;
            this.g = g;
            this.i0 = 0;
            this.i1 = planes;
            return this;
        }

        Job bn(Op op, float[] x, float[] y, float[] dy, float[] dx, float[] mean, float[] invstd, float[] scale,
               float[] shift, float[] e, float[] out1, float[] out2, boolean relu, int n, int channels, int p) {
            this.op = op;
            this.a = x;
            this.b = y;
            this.c = dy;
            this.d = dx;
            this.mean = mean;
            this.invstd = invstd;
            this.scale = scale;
            this.shift = shift;
            this.e = e;
            this.out1 = out1;
            this.out2 = out2;
            this.relu = relu;
            this.n = n;
            this.channels = channels;
            this.p = p;
            return this;
        }

        void split(int parts) {
            this.parts = parts;
            try {
                scheduler.forEach(parts, this);
            } finally {
                clear();
            }
        }

        void inline(int from, int to) {
            try {
                range(from, to);
            } finally {
                clear();
            }
        }

        void clear() {
            a = b = c = d = mean = invstd = scale = shift = e = out1 = out2 = null; // do not keep the caller's arrays alive
        }

        @Override
        public void run(int part) {
            int total = i1 - i0;
            range(i0 + Partition.start(total, parts, part, 1), i0 + Partition.end(total, parts, part, 1));
        }

        void range(int from, int to) {
            switch (op) {
                case MAX_POOL -> kernels.maxPool(a, b, c, g, from, to);
                case MAX_POOL_BACK -> kernels.maxPoolBackward(a, b, c, g, from, to);
                case AVG_POOL -> kernels.avgPool(a, b, g, from, to);
                case AVG_POOL_BACK -> kernels.avgPoolBackward(a, b, g, from, to);
                case SUMS -> kernels.channelSums(a, out1, n, channels, p, from, to);
                case SQ_DEV -> kernels.channelSquaredDeviations(a, mean, out1, n, channels, p, from, to);
                case BN -> kernels.batchNorm(a, b, mean, scale, shift, relu, n, channels, p, from, to);
                case BN_SUMS -> kernels.batchNormSums(a, b, c, mean, invstd, out1, out2, n, channels, p, from, to);
                case BN_BACK -> kernels.batchNormBackward(a, b, c, d, mean, invstd, shift, e, scale, n, channels, p, from, to);
            }
        }
    }

    private static void check(float[] array, long needed, String what) {
        if (array == null) throw new IllegalArgumentException(what + " is null");
        if (array.length < needed) {
            throw new IllegalArgumentException(what + " has " + array.length + " elements, needs " + needed);
        }
    }
}
