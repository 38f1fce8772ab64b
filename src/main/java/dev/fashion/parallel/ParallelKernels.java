package dev.fashion.parallel;

import dev.fashion.kernels.Kernels;

/**
 * What layers and optimizers call: each method takes a whole problem, checks its arguments once,
 * and splits it over the scheduler into blocks of output the kernels compute independently (columns
 * of C for matmul, rows for row-wise ops, element ranges otherwise). Work too small to pay for a fork
 * (about 100 µs) runs inline on the calling thread.
 */
public final class ParallelKernels {

    /** Matmul work (2·m·n·k flops) below which one thread is faster than a fork and join. */
    static final long MATMUL_GRAIN_FLOPS = 1L << 22;
    /** Element-wise work below which a fork does not pay. */
    static final int ELEMENT_GRAIN = 1 << 16;
    /** Column blocks are multiples of two 16-lane vectors, rows of 8: whole register tiles. */
    static final int COLUMN_ALIGN = 32;
    static final int ROW_ALIGN = 8;

    private final Kernels kernels;
    private final Scheduler scheduler;

    public ParallelKernels(Kernels kernels, Scheduler scheduler) {
        this.kernels = kernels;
        this.scheduler = scheduler;
    }

    public Kernels kernels() {
        return kernels;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    private enum Form { AB, AT_B, A_BT }

    /** C[m,n] = A[m,k]·B[k,n] (or +=). */
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        check(a, (long) m * k, "A");
        check(b, (long) k * n, "B");
        check(c, (long) m * n, "C");
        gemm(Form.AB, a, b, c, m, k, n, accumulate);
    }

    /** C[m,n] = A[k,m]ᵀ·B[k,n] (or +=). */
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        check(a, (long) k * m, "A");
        check(b, (long) k * n, "B");
        check(c, (long) m * n, "C");
        gemm(Form.AT_B, a, b, c, m, k, n, accumulate);
    }

    /** C[m,n] = A[m,k]·B[n,k]ᵀ (or +=). */
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        check(a, (long) m * k, "A");
        check(b, (long) n * k, "B");
        check(c, (long) m * n, "C");
        gemm(Form.A_BT, a, b, c, m, k, n, accumulate);
    }

    private void gemm(Form form, float[] a, float[] b, float[] c, int m, int k, int n, boolean acc) {
        int threads = scheduler.threads();
        long flops = 2L * m * n * k;
        if (threads == 1 || flops < MATMUL_GRAIN_FLOPS) {
            run(form, a, b, c, m, k, n, 0, m, 0, n, acc);
            return;
        }
        // Split the wider side of C so each part gets whole tiles; each C element stays in one part.
        if (n >= COLUMN_ALIGN * threads) {
            int parts = Partition.parts(n, COLUMN_ALIGN, threads);
            scheduler.forEach(parts, p -> run(form, a, b, c, m, k, n, 0, m,
                    Partition.start(n, parts, p, COLUMN_ALIGN), Partition.end(n, parts, p, COLUMN_ALIGN), acc));
        } else {
            int parts = Partition.parts(m, ROW_ALIGN, threads);
            scheduler.forEach(parts, p -> run(form, a, b, c, m, k, n,
                    Partition.start(m, parts, p, ROW_ALIGN), Partition.end(m, parts, p, ROW_ALIGN), 0, n, acc));
        }
    }

    private void run(Form form, float[] a, float[] b, float[] c, int m, int k, int n,
                     int i0, int i1, int j0, int j1, boolean acc) {
        switch (form) {
            case AB -> kernels.matmul(a, b, c, m, k, n, i0, i1, j0, j1, acc);
            case AT_B -> kernels.matmulTransA(a, b, c, m, k, n, i0, i1, j0, j1, acc);
            case A_BT -> kernels.matmulTransB(a, b, c, m, k, n, i0, i1, j0, j1, acc);
        }
    }

    /** c[i, j] += bias[j] for every row of C [m, n]. */
    public void addBias(float[] c, float[] bias, int m, int n) {
        check(c, (long) m * n, "C");
        check(bias, n, "bias");
        rows(m, n, (i0, i1) -> kernels.addBias(c, bias, n, i0, i1));
    }

    /** db[j] = sum over rows of dy[i, j] (or +=). */
    public void biasGradient(float[] dy, float[] db, int m, int n, boolean accumulate) {
        check(dy, (long) m * n, "dy");
        check(db, n, "db");
        // Columns are independent sums over the batch: split columns, never the reduction.
        int parts = (long) m * n < ELEMENT_GRAIN ? 1 : Partition.parts(n, COLUMN_ALIGN, scheduler.threads());
        scheduler.forEach(parts, p -> kernels.biasGradient(dy, db, m, n,
                Partition.start(n, parts, p, COLUMN_ALIGN), Partition.end(n, parts, p, COLUMN_ALIGN), accumulate));
    }

    public void relu(float[] x, float[] y, int size) {
        check(x, size, "x");
        check(y, size, "y");
        elements(size, (from, to) -> kernels.relu(x, y, from, to));
    }

    public void reluBackward(float[] y, float[] dy, float[] dx, int size) {
        check(y, size, "y");
        check(dy, size, "dy");
        check(dx, size, "dx");
        elements(size, (from, to) -> kernels.reluBackward(y, dy, dx, from, to));
    }

    public void logSoftmax(float[] x, float[] y, int m, int n) {
        check(x, (long) m * n, "x");
        check(y, (long) m * n, "y");
        rows(m, n, (i0, i1) -> kernels.logSoftmax(x, y, n, i0, i1));
    }

    public void logSoftmaxBackward(float[] y, float[] dy, float[] dx, int m, int n) {
        check(y, (long) m * n, "y");
        check(dy, (long) m * n, "dy");
        check(dx, (long) m * n, "dx");
        rows(m, n, (i0, i1) -> kernels.logSoftmaxBackward(y, dy, dx, n, i0, i1));
    }

    public void softmax(float[] x, float[] y, int m, int n) {
        check(x, (long) m * n, "x");
        check(y, (long) m * n, "y");
        rows(m, n, (i0, i1) -> kernels.softmax(x, y, n, i0, i1));
    }

    public void softmaxBackward(float[] y, float[] dy, float[] dx, int m, int n) {
        check(y, (long) m * n, "y");
        check(dy, (long) m * n, "dy");
        check(dx, (long) m * n, "dx");
        rows(m, n, (i0, i1) -> kernels.softmaxBackward(y, dy, dx, n, i0, i1));
    }

    public void adam(float[] p, float[] g, float[] m, float[] v, int size, float lr, float beta1, float beta2,
                     float eps, float weightDecay, float bc1, float bc2) {
        check(p, size, "param");
        check(g, size, "grad");
        check(m, size, "m");
        check(v, size, "v");
        elements(size, (from, to) -> kernels.adam(p, g, m, v, from, to, lr, beta1, beta2, eps, weightDecay, bc1, bc2));
    }

    public void sgd(float[] p, float[] g, float[] buf, int size, float lr, float momentum, float weightDecay,
                    boolean nesterov) {
        check(p, size, "param");
        check(g, size, "grad");
        check(buf, size, "momentum buffer");
        elements(size, (from, to) -> kernels.sgd(p, g, buf, from, to, lr, momentum, weightDecay, nesterov));
    }

    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    private void rows(int m, int n, Range body) {
        int parts = (long) m * n < ELEMENT_GRAIN ? 1 : Partition.parts(m, 1, scheduler.threads());
        scheduler.forEach(parts, p -> body.run(Partition.start(m, parts, p, 1), Partition.end(m, parts, p, 1)));
    }

    private void elements(int size, Range body) {
        // 64-element alignment keeps every part's vector loop whole and its tail in the last part.
        int parts = size < ELEMENT_GRAIN ? 1 : Partition.parts(size, 64, scheduler.threads());
        scheduler.forEach(parts, p -> body.run(Partition.start(size, parts, p, 64), Partition.end(size, parts, p, 64)));
    }

    private static void check(float[] array, long needed, String what) {
        if (array == null) throw new IllegalArgumentException(what + " is null");
        if (array.length < needed) {
            throw new IllegalArgumentException(what + " has " + array.length + " elements, needs " + needed);
        }
    }
}
