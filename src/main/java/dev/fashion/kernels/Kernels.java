package dev.fashion.kernels;

/**
 * The hot numeric kernels, in one narrow interface with a scalar baseline ({@link ScalarKernels}) and a
 * Vector API implementation ({@code dev.fashion.kernels.vector.VectorKernels}). Pick one through
 * {@link KernelProvider}.
 *
 * <p>Layout: every matrix is a row-major {@code float[]} with explicit dimensions and no offset. Each
 * call computes one rectangular block (rows {@code [i0, i1)}, columns {@code [j0, j1)}) or one element
 * range {@code [from, to)} of its output, so the scheduler can split work without the kernel knowing.
 *
 * <p>Contract that makes training bit-identical across thread counts: the value written for an output
 * element must not depend on the block boundaries it was computed in. Matmul accumulates each element
 * over k in increasing order with one fused multiply-add per term, whatever tile or tail path handles it;
 * the scalar baseline does too, so the implementations agree to the bit (see {@link ScalarKernels}).
 *
 * <p>Arguments are validated once by the caller ({@code dev.fashion.parallel.ParallelKernels}); the
 * kernels only {@code assert}.
 */
public interface Kernels {

    /** "scalar" or "vector". */
    String name();

    /** A human-readable description: implementation, vector width and lanes. */
    String describe();

    /** Why this width and register tile for this CPU (see {@link VectorPlan}); empty for the scalar kernels. */
    default String tuning() {
        return "";
    }

    // ---- matrix multiply, the three forms backprop needs -------------------------------------------

    /** C = A·B (or C += A·B): A is [m, k], B is [k, n], C is [m, n]. Input gradient dX = dY·W. */
    void matmul(float[] a, float[] b, float[] c, int m, int k, int n,
                int i0, int i1, int j0, int j1, boolean accumulate);

    /** C = Aᵀ·B (or C += Aᵀ·B): A is [k, m], B is [k, n], C is [m, n]. Weight gradient dW = dYᵀ·X. */
    void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n,
                      int i0, int i1, int j0, int j1, boolean accumulate);

    /** C = A·Bᵀ (or C += A·Bᵀ): A is [m, k], B is [n, k], C is [m, n]. Linear forward Y = X·Wᵀ. */
    void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n,
                      int i0, int i1, int j0, int j1, boolean accumulate);

    /**
     * Extra floats past {@code max(rows) + n} that {@link #matmulRows}'s B must hold: a vector kernel reads
     * whole register-tile rows (up to 48 floats) at the right edge and drops what lies past n.
     */
    int ROWS_SLACK = 64;

    /**
     * C = A·B where B's row p is read in place at {@code b[rows[p]]}: c[co + i·ldc + j] = Σ_p a[i·k + p]·b[rows[p]
     * + j] for i in [0, m), j in [0, n), k = rows.length, each an FMA chain in p order from 0 as in
     * {@link #matmul}. A stride-1 convolution is this product over its zero-padded input planes (row p = one
     * tap of one input channel, a fixed offset into the planes), so it needs no column matrix and no
     * packing. b must hold {@code max(rows) + n + }{@link #ROWS_SLACK} floats.
     */
    void matmulRows(float[] a, float[] b, int[] rows, float[] c, int co, int m, int n, int ldc);

    /**
     * C = A·Bᵀ (or C += A·Bᵀ) where A's row i is read in place at {@code a[rows[i]]}: c[i·n + j] = Σ_p
     * a[rows[i] + p]·b[j·k + p] for i in [0, m), j in [0, n), each an FMA chain in p order (from 0, or from
     * C when accumulating) as in {@link #matmul}. A stride-1 convolution's weight gradient, transposed, is
     * this product: row i = one tap of one input channel, an offset into the image's padded planes; B =
     * dy with its rows at the padded width ({@code ConvKernels#toPaddedRows}). a must hold
     * {@code max(rows) + k} floats.
     */
    void matmulGatheredTransB(float[] a, int[] rows, float[] b, float[] c, int m, int k, int n, boolean accumulate);

    // ---- fused layer operations: one pass over C instead of two or three --------------------------------

    /**
     * Linear forward with its epilogue: C = A·Bᵀ, then + bias[j] (when bias is not null), then max(C, 0)
     * (when relu), for the block. Must give the same bits as {@link #matmulTransB}, {@link #addBias} and
     * {@link #relu} run one after another.
     */
    void linearForward(float[] a, float[] b, float[] bias, float[] c, int m, int k, int n,
                       int i0, int i1, int j0, int j1, boolean relu);

    /**
     * The input gradient of a linear layer whose input is a ReLU output: C = A·B where mask &gt; 0, else 0
     * (mask is [m, n] like C). Must give the same bits as {@link #matmul} then {@link #reluBackward}.
     */
    void matmulReluMask(float[] a, float[] b, float[] mask, float[] c, int m, int k, int n,
                        int i0, int i1, int j0, int j1);

    /** Columns (of C) per register tile, so a scheduler can split on whole tiles; 1 for no preference. */
    default int columnTile() {
        return 1;
    }

    // ---- bias ---------------------------------------------------------------------------------------

    /** c[i, j] += bias[j] for rows [i0, i1) of C [*, n]. */
    void addBias(float[] c, float[] bias, int n, int i0, int i1);

    /** db[j] = sum over i < m of dy[i, j] (or db[j] += ...) for columns [j0, j1); dy is [m, n]. */
    void biasGradient(float[] dy, float[] db, int m, int n, int j0, int j1, boolean accumulate);

    // ---- activations --------------------------------------------------------------------------------

    /** y = max(x, 0) over [from, to); x and y may be the same array. */
    void relu(float[] x, float[] y, int from, int to);

    /** dx = dy where y &gt; 0, else 0, over [from, to); y is the ReLU output. dx may alias dy. */
    void reluBackward(float[] y, float[] dy, float[] dx, int from, int to);

    /** Row-wise y = x - max - log(sum(exp(x - max))) over rows [i0, i1) of [*, n]. */
    void logSoftmax(float[] x, float[] y, int n, int i0, int i1);

    /** Row-wise dx = dy - exp(y) * sum(dy), y being the log-softmax output. */
    void logSoftmaxBackward(float[] y, float[] dy, float[] dx, int n, int i0, int i1);

    /** Row-wise y = exp(x - max) / sum(exp(x - max)). */
    void softmax(float[] x, float[] y, int n, int i0, int i1);

    /** Row-wise dx = y * (dy - sum(dy * y)), y being the softmax output. */
    void softmaxBackward(float[] y, float[] dy, float[] dx, int n, int i0, int i1);

    /**
     * y[i] = exp(x[i]) · scale over [from, to), for x up to 0 (log-probabilities): the NLL loss's gradient
     * with respect to the logits is this, with scale 1/n, less 1/n at each label.
     */
    void expScale(float[] x, float[] y, float scale, int from, int to);

    // ---- optimizer updates --------------------------------------------------------------------------

    /**
     * One Adam step (Kingma and Ba, 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1, in
     * PyTorch's formulation) over [from, to): g' = g + weightDecay·p; m = β1·m + (1-β1)·g';
     * v = β2·v + (1-β2)·g'²; p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps), where bc1 = 1-β1^t and
     * bc2 = 1-β2^t are the bias corrections for step t, computed by the caller. Moments that fall below
     * {@link Float#MIN_NORMAL} are stored as 0, as with {@code torch.set_flush_denormal(True)}: a weight
     * whose gradient stays 0 (a dead ReLU unit) would otherwise keep a first moment of a few subnormal ulps
     * for ever (0.9·k ulp rounds back to k), and on Intel cores every vector holding one costs a microcode
     * assist of ~100 cycles: after 5 epochs 19% of the reference model's moments were subnormal and its
     * Adam pass ran up to 15x slower. Either way such a moment moves its weight by under 1e-30.
     */
    void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
              float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2);

    /**
     * One AdamW step (Loshchilov and Hutter, 2019, "Decoupled Weight Decay Regularization") as
     * torch.optim.AdamW does it over [from, to): p *= decayFactor (the caller passes 1 - lr·weightDecay);
     * then the {@link #adam} update with no decay in the gradient. Moments are flushed as in {@link #adam}.
     */
    void adamw(float[] p, float[] g, float[] m, float[] v, int from, int to,
               float lr, float beta1, float beta2, float eps, float decayFactor, float bc1, float bc2);

    /**
     * One SGD step with momentum in PyTorch's formulation (dampening 0) over [from, to):
     * g' = g + weightDecay·p; buf = momentum·buf + g'; p -= lr·(nesterov ? g' + momentum·buf : buf).
     * With momentum 0 the buffer is left alone.
     */
    void sgd(float[] p, float[] g, float[] buf, int from, int to,
             float lr, float momentum, float weightDecay, boolean nesterov);

    // ---- calibration --------------------------------------------------------------------------------

    /**
     * Runs independent chains of register-only multiply-adds, enough of them to keep every FMA unit busy,
     * until at least {@code flops} flops are done, and returns the exact count. Nothing is loaded or
     * stored, so the rate is the ceiling this implementation's arithmetic can reach on one core: the
     * "peak" that {@code bench} and the JMH suite measure instead of trusting a data sheet (turbo, VMs and
     * the JIT all move it). The chains' sum goes to {@code sink[0]} so the JIT cannot drop the work.
     */
    long fmaProbe(long flops, float[] sink);
}
