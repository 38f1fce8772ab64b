package dev.fashion.parallel;

import dev.fashion.kernels.KernelProvider;
import dev.fashion.kernels.Kernels;

/**
 * What layers and optimizers call: each method takes a whole problem, checks its arguments once,
 * and splits it over the scheduler into blocks of output the kernels compute independently (columns
 * of C for matmul, rows for row-wise ops, element ranges otherwise). Work too small to be worth
 * splitting runs inline on the calling thread. With the scheduler's spinning helpers a hand-off costs
 * about a microsecond, so the grains are small: at batch 64 on 2 threads, 2^19 flops / 2^13 elements
 * gave 1.25-1.35 ms/step against 1.44-1.54 with the 2^22 / 2^16 that suited forking.
 *
 * <p>Nothing here allocates per call: work that is split is described in one reusable {@link Job}
 * (the scheduler takes one call at a time) instead of a capturing lambda.
 */
public final class ParallelKernels {

    /** Matmul work (2·m·n·k flops) below which one thread is faster than a fork and join. */
    static final long MATMUL_GRAIN_FLOPS = 1L << 19;
    /** Element-wise work below which a fork does not pay. */
    static final int ELEMENT_GRAIN = 1 << 13;
    /**
     * The small layers at the end of the network, on a batch of at least {@code TAIL_ROWS} rows: matmuls
     * of {@code TAIL_GRAIN} to {@code TAIL_FLOPS} flops (other than weight gradients) split by batch
     * rows, as do row-wise ops of any size. Each core then reads the rows it wrote itself one layer
     * earlier: on these VMs a 64 KB array the other core just wrote reads 3x slower, and these layers
     * are too small for a column split to pay for that. Batch 256, 2 threads, 30 alternating rounds
     * in one JVM against columns or inline: fc3 forward 1.2x faster, fc4 forward 1.8x, log-softmax
     * 1.7x, fc4 backward 1.1x, about 28 µs a step. Batch 64 is below the row minimum: there the halves
     * are a few microseconds, the cost of a hand-off.
     */
    static final int TAIL_ROWS = 128;
    static final long TAIL_FLOPS = 1L << 23;
    static final long TAIL_GRAIN = 1L << 17;
    /** Rows of C per part are multiples of 8; columns, of the kernels' tile width (32 when they have none). */
    static final int ROW_ALIGN = 8;
    static final int DEFAULT_COLUMN_ALIGN = 32;

    private final Kernels kernels;
    private final Scheduler scheduler;

    private final int columnAlign;
    private final ParallelConvKernels conv;

    public ParallelKernels(Kernels kernels, Scheduler scheduler) {
        this.kernels = kernels;
        this.scheduler = scheduler;
        this.conv = new ParallelConvKernels(KernelProvider.convKernels(kernels), scheduler);
        this.columnAlign = kernels.columnTile() > 1 ? kernels.columnTile() : DEFAULT_COLUMN_ALIGN;
    }

    public Kernels kernels() {
        return kernels;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The convolutional layers' kernels (the same implementation as {@link #kernels()}), on the same scheduler. */
    public ParallelConvKernels conv() {
        return conv;
    }

    /** What a split call computes; one per instance, reused by every call. */
    private enum Op { MATMUL, MATMUL_TA, MATMUL_TB, LINEAR, MATMUL_MASK, ADD_BIAS, BIAS_GRAD, RELU, RELU_BACK, LOG_SOFTMAX, LOG_SOFTMAX_BACK,
        SOFTMAX, SOFTMAX_BACK, EXP_SCALE, ADAM, SGD }

    /** C[m,n] = A[m,k]·B[k,n] (or +=). */
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        check(a, (long) m * k, "A");
        check(b, (long) k * n, "B");
        check(c, (long) m * n, "C");
        gemm(Op.MATMUL, a, b, c, null, m, k, n, accumulate);
    }

    /** C[m,n] = A[k,m]ᵀ·B[k,n] (or +=). */
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        check(a, (long) k * m, "A");
        check(b, (long) k * n, "B");
        check(c, (long) m * n, "C");
        gemm(Op.MATMUL_TA, a, b, c, null, m, k, n, accumulate);
    }

    /** C[m,n] = A[m,k]·B[n,k]ᵀ (or +=). */
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        check(a, (long) m * k, "A");
        check(b, (long) n * k, "B");
        check(c, (long) m * n, "C");
        gemm(Op.MATMUL_TB, a, b, c, null, m, k, n, accumulate);
    }

    /**
     * A linear layer's parameter gradients: dW[out,in] = dY[batch,out]ᵀ·X[batch,in] and, when db is not
     * null, db[out] = the column sums of dY. When dW is split by its rows (output features), each part
     * sums the same features' bias gradient too: one hand-off instead of two, with db[j] written by the
     * core that holds dW's row j.
     */
    public void linearGradients(float[] dy, float[] x, float[] dw, float[] db, int batch, int in, int out) {
        check(dy, (long) batch * out, "dY");
        check(x, (long) batch * in, "X");
        check(dw, (long) out * in, "dW");
        if (db != null) check(db, out, "db");
        if (!gemm(Op.MATMUL_TA, dy, x, dw, db, out, batch, in, false) && db != null) {
            biasGradient(dy, db, batch, out, false);
        }
    }

    /** Y[m,n] = X[m,k]·W[n,k]ᵀ + bias, then ReLU when asked: a linear layer's forward pass in one sweep. */
    public void linearForward(float[] x, float[] w, float[] bias, float[] y, int m, int k, int n, boolean relu) {
        check(x, (long) m * k, "X");
        check(w, (long) n * k, "W");
        check(y, (long) m * n, "Y");
        if (bias != null) check(bias, n, "bias");
        gemm(Op.LINEAR, x, w, y, bias, m, k, n, relu);
    }

    /** C[m,n] = A[m,k]·B[k,n] where mask[m,n] &gt; 0, else 0: the input gradient through a ReLU. */
    public void matmulReluMask(float[] a, float[] b, float[] mask, float[] c, int m, int k, int n) {
        check(a, (long) m * k, "A");
        check(b, (long) k * n, "B");
        check(mask, (long) m * n, "mask");
        check(c, (long) m * n, "C");
        gemm(Op.MATMUL_MASK, a, b, c, mask, m, k, n, false);
    }

    /**
     * Splits (or runs inline) one matmul. For MATMUL_TA, {@code d} is an optional bias gradient over C's
     * rows, computed here unless C is split by columns: returns whether it was.
     */
    private boolean gemm(Op op, float[] a, float[] b, float[] c, float[] d, int m, int k, int n, boolean acc) {
        Job j = job.set(op, a, b, c, d, m, k, n, acc);
        int threads = scheduler.threads();
        long flops = 2L * m * n * k;
        boolean tailRows = op != Op.MATMUL_TA && m >= TAIL_ROWS && flops <= TAIL_FLOPS && flops >= TAIL_GRAIN;
        if (threads == 1 || (flops < MATMUL_GRAIN_FLOPS && !tailRows)) {
            j.block(0, m, 0, n);
        } else if (tailRows) {
            j.split(Partition.parts(m, ROW_ALIGN, threads), ROW_ALIGN, false);
        } else if (op == Op.MATMUL_TA && m >= ROW_ALIGN * threads) {
            // A weight gradient dW [out, in]: split its rows (output features) into the same halves as
            // the forward pass's column split of Y and the optimizer's element split, so each weight,
            // its gradient and its Adam moments stay in one core's cache from forward to update instead
            // of crossing between cores twice a step. Batch 64, 2 threads, alternating runs in one JVM:
            // 0.66-0.98 ms/step against 0.77-1.29 with dW split by columns (and the forward by batch
            // rows where it packs X); fc1 backward 0.16-0.25 ms against 0.28-0.33.
            j.split(Partition.parts(m, ROW_ALIGN, threads), ROW_ALIGN, false);
        } else if (n >= columnAlign * threads) {
            // Split the wider side of C so each part gets whole tiles; each C element stays in one part.
            if (op == Op.MATMUL_TA) j.d = null; // parts over columns would each sum every row's bias
            j.split(Partition.parts(n, columnAlign, threads), columnAlign, true);
            return op != Op.MATMUL_TA;
        } else {
            j.split(Partition.parts(m, ROW_ALIGN, threads), ROW_ALIGN, false);
        }
        return true;
    }

    /** c[i, j] += bias[j] for every row of C [m, n]. */
    public void addBias(float[] c, float[] bias, int m, int n) {
        check(c, (long) m * n, "C");
        check(bias, n, "bias");
        rows(job.set(Op.ADD_BIAS, c, bias, null, null, m, 0, n, false));
    }

    /** db[j] = sum over rows of dy[i, j] (or +=). */
    public void biasGradient(float[] dy, float[] db, int m, int n, boolean accumulate) {
        check(dy, (long) m * n, "dy");
        check(db, n, "db");
        Job j = job.set(Op.BIAS_GRAD, dy, db, null, null, m, 0, n, accumulate);
        // Columns are independent sums over the batch: split columns, never the reduction.
        if ((long) m * n < ELEMENT_GRAIN) j.block(0, m, 0, n);
        else j.split(Partition.parts(n, columnAlign, scheduler.threads()), columnAlign, true);
    }

    public void relu(float[] x, float[] y, int size) {
        check(x, size, "x");
        check(y, size, "y");
        elements(job.set(Op.RELU, x, y, null, null, 0, 0, size, false));
    }

    public void reluBackward(float[] y, float[] dy, float[] dx, int size) {
        check(y, size, "y");
        check(dy, size, "dy");
        check(dx, size, "dx");
        elements(job.set(Op.RELU_BACK, y, dy, dx, null, 0, 0, size, false));
    }

    public void logSoftmax(float[] x, float[] y, int m, int n) {
        check(x, (long) m * n, "x");
        check(y, (long) m * n, "y");
        rows(job.set(Op.LOG_SOFTMAX, x, y, null, null, m, 0, n, false));
    }

    public void logSoftmaxBackward(float[] y, float[] dy, float[] dx, int m, int n) {
        check(y, (long) m * n, "y");
        check(dy, (long) m * n, "dy");
        check(dx, (long) m * n, "dx");
        rows(job.set(Op.LOG_SOFTMAX_BACK, y, dy, dx, null, m, 0, n, false));
    }

    public void softmax(float[] x, float[] y, int m, int n) {
        check(x, (long) m * n, "x");
        check(y, (long) m * n, "y");
        rows(job.set(Op.SOFTMAX, x, y, null, null, m, 0, n, false));
    }

    public void softmaxBackward(float[] y, float[] dy, float[] dx, int m, int n) {
        check(y, (long) m * n, "y");
        check(dy, (long) m * n, "dy");
        check(dx, (long) m * n, "dx");
        rows(job.set(Op.SOFTMAX_BACK, y, dy, dx, null, m, 0, n, false));
    }

    /** y = exp(x) · scale, element-wise; see {@link Kernels#expScale}. */
    public void expScale(float[] x, float[] y, float scale, int size) {
        check(x, size, "x");
        check(y, size, "y");
        Job j = job.set(Op.EXP_SCALE, x, y, null, null, 0, 0, size, false);
        j.hyper(scale, 0, 0, 0, 0, 0, 0);
        elements(j);
    }

    /**
     * One Adam step over several tensors (p[t], its gradient g[t], moments m[t] and v[t]) in a single
     * split: part q updates part q of each big tensor, the element ranges every other element-wise
     * call here uses, which are also the rows a weight gradient's part computed, so a weight stays with
     * the core that computed its gradient; small tensors (biases, the output layer) go whole to one part
     * each, in turn. One hand-off a step instead of one per big tensor (batch 64, 2 threads: three).
     */
    public void adam(float[][] p, float[][] g, float[][] m, float[][] v, float lr, float beta1, float beta2,
                     float eps, float weightDecay, float bc1, float bc2) {
        adam(p, g, m, v, lr, beta1, beta2, eps, weightDecay, null, false, bc1, bc2);
    }

    /**
     * As above with a weight decay per tensor ({@code decay[t]}, so biases and norm parameters can be
     * exempt; when null, {@code weightDecay} for all). With {@code decoupled} the decay is AdamW's: the
     * weight is multiplied by {@code 1 - lr·decay} (see {@link Kernels#adamw}) instead of {@code decay·p}
     * being added to the gradient.
     */
    public void adam(float[][] p, float[][] g, float[][] m, float[][] v, float lr, float beta1, float beta2,
                     float eps, float weightDecay, float[] decay, boolean decoupled, float bc1, float bc2) {
        if (decay != null && decay.length < p.length) check(decay, p.length, "decay");
        long total = 0;
        for (int t = 0; t < p.length; t++) {
            int size = p[t].length;
            if (g[t] == null || g[t].length < size || m[t] == null || m[t].length < size || v[t] == null
                    || v[t].length < size) {
                check(g[t], size, "grad " + t); // the message is built only on failure: no garbage per step
                check(m[t], size, "m " + t);
                check(v[t], size, "v " + t);
            }
            total += size;
        }
        Job j = job.set(Op.ADAM, null, null, null, null, 0, 0, 0, decoupled);
        j.hyper(lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        j.tensors(p, g, m, v);
        j.decay = decay;
        j.split(total < ELEMENT_GRAIN ? 1 : scheduler.threads(), 1, true);
    }

    public void sgd(float[] p, float[] g, float[] buf, int size, float lr, float momentum, float weightDecay,
                    boolean nesterov) {
        check(p, size, "param");
        check(g, size, "grad");
        check(buf, size, "momentum buffer");
        Job j = job.set(Op.SGD, p, g, buf, null, 0, 0, size, nesterov);
        j.hyper(lr, momentum, 0, 0, weightDecay, 0, 0);
        elements(j);
    }

    private void rows(Job j) {
        if ((long) j.m * j.n < ELEMENT_GRAIN && j.m < TAIL_ROWS) j.block(0, j.m, 0, j.n);
        else j.split(Partition.parts(j.m, 1, scheduler.threads()), 1, false);
    }

    private void elements(Job j) {
        // Elements are the job's "columns"; 64-element alignment keeps every part's vector loop whole
        // and the scalar tail in the last part, whatever the thread count.
        if (j.n < ELEMENT_GRAIN) j.block(0, 1, 0, j.n);
        else j.split(Partition.parts(j.n, 64, scheduler.threads()), 64, true);
    }

    private final Job job = new Job();

    /** One kernel call's arguments and how it is split; {@link #run} computes one part. */
    private final class Job implements Scheduler.PartTask {
        Op op;
        float[] a, b, c, d;
        float[][] ta, tb, tc, td;
        /** Per-tensor weight decay of the many-tensor Adam job, or null for h4 on all. */
        float[] decay;
        int m, k, n;
        boolean flag;
        float h0, h1, h2, h3, h4, h5, h6;
        int parts, align;
        boolean splitColumns;

        Job set(Op op, float[] a, float[] b, float[] c, float[] d, int m, int k, int n, boolean flag) {
            this.op = op;
            this.a = a;
            this.b = b;
            this.c = c;
            this.d = d;
            this.m = m;
            this.k = k;
            this.n = n;
            this.flag = flag;
            return this;
        }

        void hyper(float h0, float h1, float h2, float h3, float h4, float h5, float h6) {
            this.h0 = h0;
            this.h1 = h1;
            this.h2 = h2;
            this.h3 = h3;
            this.h4 = h4;
            this.h5 = h5;
            this.h6 = h6;
        }

        void tensors(float[][] ta, float[][] tb, float[][] tc, float[][] td) {
            this.ta = ta;
            this.tb = tb;
            this.tc = tc;
            this.td = td;
        }

        void split(int parts, int align, boolean columns) {
            this.parts = parts;
            this.align = align;
            this.splitColumns = columns;
            try {
                scheduler.forEach(parts, this);
            } finally {
                a = b = c = d = null; // do not keep the caller's arrays alive
                ta = tb = tc = td = null;
                decay = null;
            }
        }

        @Override
        public void run(int p) {
            if (op == Op.ADAM) {
                run(p, parts);
            } else if (splitColumns) {
                block(0, m, Partition.start(n, parts, p, align), Partition.end(n, parts, p, align));
            } else {
                block(Partition.start(m, parts, p, align), Partition.end(m, parts, p, align), 0, n);
            }
        }

        /** Part p of {@code parts} of every tensor of the many-tensor Adam job. */
        void run(int p, int parts) {
            for (int t = 0; t < ta.length; t++) {
                int size = ta[t].length;
                if (size < ELEMENT_GRAIN) {
                    // A small tensor goes whole to one part, the next one to the next part.
                    if ((p + t) % parts == 0) adam(t, 0, size);
                } else {
                    int tp = Partition.parts(size, 64, parts);
                    if (p < tp) adam(t, Partition.start(size, tp, p, 64), Partition.end(size, tp, p, 64));
                }
            }
        }

        /** Elements [from, to) of tensor t; flag selects AdamW. */
        private void adam(int t, int from, int to) {
            float wd = decay == null ? h4 : decay[t];
            if (flag) {
                // PyTorch's factor, 1 - lr·wd, is computed in double from the float lr and rounded once.
                float factor = (float) (1.0 - (double) h0 * wd);
                kernels.adamw(ta[t], tb[t], tc[t], td[t], from, to, h0, h1, h2, h3, factor, h5, h6);
            } else {
                kernels.adam(ta[t], tb[t], tc[t], td[t], from, to, h0, h1, h2, h3, wd, h5, h6);
            }
        }

        /** Rows [i0, i1) and columns (or elements) [j0, j1) of this job's output. */
        void block(int i0, int i1, int j0, int j1) {
            switch (op) {
                case MATMUL -> kernels.matmul(a, b, c, m, k, n, i0, i1, j0, j1, flag);
                case MATMUL_TA -> {
                    kernels.matmulTransA(a, b, c, m, k, n, i0, i1, j0, j1, flag);
                    if (d != null) kernels.biasGradient(a, d, k, m, i0, i1, false); // db over C's rows [i0, i1)
                }
                case MATMUL_TB -> kernels.matmulTransB(a, b, c, m, k, n, i0, i1, j0, j1, flag);
                case LINEAR -> kernels.linearForward(a, b, d, c, m, k, n, i0, i1, j0, j1, flag);
                case MATMUL_MASK -> kernels.matmulReluMask(a, b, d, c, m, k, n, i0, i1, j0, j1);
                case ADD_BIAS -> kernels.addBias(a, b, n, i0, i1);
                case BIAS_GRAD -> kernels.biasGradient(a, b, m, n, j0, j1, flag);
                case RELU -> kernels.relu(a, b, j0, j1);
                case RELU_BACK -> kernels.reluBackward(a, b, c, j0, j1);
                case LOG_SOFTMAX -> kernels.logSoftmax(a, b, n, i0, i1);
                case LOG_SOFTMAX_BACK -> kernels.logSoftmaxBackward(a, b, c, n, i0, i1);
                case SOFTMAX -> kernels.softmax(a, b, n, i0, i1);
                case SOFTMAX_BACK -> kernels.softmaxBackward(a, b, c, n, i0, i1);
                case EXP_SCALE -> kernels.expScale(a, b, h0, j0, j1);
                case SGD -> kernels.sgd(a, b, c, j0, j1, h0, h1, h4, flag);
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
