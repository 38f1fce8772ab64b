package dev.fashion.kernels.vector;

import dev.fashion.kernels.FloatExp;
import dev.fashion.kernels.Kernels;
import dev.fashion.kernels.ScalarKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.GT;

/**
 * The Vector API kernels. Loaded by name from {@code KernelProvider} only after it found the incubator
 * module; the constructor throws {@link UnsupportedOperationException} (meaning "fall back to scalar")
 * when the species is unusable.
 *
 * <p>Determinism: every matmul element is one chain of vector FMAs over k in increasing order, starting
 * from 0 or from C, whatever tile or edge handles it (edges are zero-padded full tiles, never a separate
 * scalar formula), so results do not depend on block boundaries or thread count. Element-wise kernels, and
 * the exp of the softmax family, do the same IEEE operations, in the same order, in the vector body and
 * the scalar tail.
 */
public final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
    private static final int L = S.length();

    /*
     * Register tile: MR rows of C x NV vectors, all accumulators named locals of one flat method (C2 keeps
     * them in registers only so; an array of vectors was 25-40x slower). The shape is picked by
     * measurement at 64x784x256-type shapes, because it depends on the register file and the JIT:
     * - 32 vector registers (AVX-512): 8x2, 16 accumulators (STYLE.md: 100-190 GFLOP/s on JDK 17 and 25).
     * - 16 registers (AVX2), JDK 17: 4x3 ran ~55-65 GFLOP/s, 6x2 and 8x2 ~35 (8x2 spills).
     * - 16 registers (AVX2), JDK 21+: 6x2 ran ~60-80 GFLOP/s, 4x3 only ~35, 8x2 ~50.
     * - Zen 5 (512-bit FMA units), a whole training step's CPU time, 1 thread: 512-bit 8x2 best or tied
     *   with 6x2; 256-bit (8x2 or 6x2) 1.5-1.8x slower at batch 64 and 256 (README, "Vector width").
     * VectorPlan decides per CPU class; VectorShapes.TILE_PROPERTY forces one, so tests can run every kernel
     * on any machine.
     */
    private static final int TILE = VectorShapes.TILE;
    private static final int MR = TILE / 10;
    private static final int NV = TILE % 10;
    private static final int NR = NV * L;
    /** k block: one panel strip (KC x NR floats, 24-32 KB) stays in L1 while the row tiles pass over it. */
    private static final int KC = 256;
    /** Column block: the packed panel (KC x NC floats, 1 MB) stays in L2. */
    private static final int NC = 1024;

    /** Per-thread buffers that only grow, so the steady state allocates nothing. */
    private static final class Scratch {
        float[] panel = new float[0];
        float[] rows = new float[0];
        float[] transposed = new float[0];
        float[] exps = new float[0];
        final float[] tile = new float[MR * NR];
        /** Lane l reads row l of a transposing gather: l * (the source's row length). */
        final int[] gatherRows = new int[L];

        float[] panel(int size) {
            if (panel.length < size) panel = new float[size];
            return panel;
        }

        float[] rows(int size) {
            if (rows.length < size) rows = new float[size];
            return rows;
        }

        float[] transposed(int size) {
            if (transposed.length < size) transposed = new float[size];
            return transposed;
        }

        float[] exps(int size) {
            if (exps.length < size) exps = new float[size];
            return exps;
        }

    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    public VectorKernels() {
        if (VectorShapes.PROBLEM != null) throw new UnsupportedOperationException(VectorShapes.PROBLEM);
        if (L < 4) {
            throw new UnsupportedOperationException("vector species " + S + " has only " + L
                    + " float lanes; at least 4 are needed to beat the scalar kernels");
        }
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String describe() {
        return "vector (Vector API, " + S.vectorBitSize() + "-bit, " + L + " float lanes, tile " + tileShape() + ")";
    }

    @Override
    public String tuning() {
        return VectorShapes.PLAN.reason();
    }

    /** The matmul register tile, rows x vectors, e.g. "4x3"; for benchmarks and logs. */
    public static String tileShape() {
        return MR + "x" + NV;
    }

    // ---- matmul -----------------------------------------------------------------------------------
    //
    // All three forms run one driver, gemm(), on two abstract operands: X gives the broadcast rows r of
    // the tile (read in place when its k axis is contiguous, else packed), Y gives the vector columns s
    // (always packed into NR-wide, k-major panel strips). C(r, s) lives at c[r * ldc + s], or at
    // c[s * ldc + r] when C is computed transposed. The fused epilogue (+ bias, ReLU, or a ReLU mask) is
    // applied right after the final k block of a tile is stored, while it is in L1 (see finishTile), or
    // in the copy-out of partial and transposed tiles.

    @Override
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n,
                       int i0, int i1, int j0, int j1, boolean accumulate) {
        gemm(a, k, false, i0, i1, b, n, false, j0, j1, k, c, n, false, accumulate, null, false, null);
    }

    @Override
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n,
                             int i0, int i1, int j0, int j1, boolean accumulate) {
        gemm(a, m, true, i0, i1, b, n, false, j0, j1, k, c, n, false, accumulate, null, false, null);
    }

    @Override
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n,
                             int i0, int i1, int j0, int j1, boolean accumulate) {
        if (m == 1) gemv(a, b, c, k, i0, i1, j0, j1, accumulate, null, false);
        else transB(a, b, c, k, n, i0, i1, j0, j1, accumulate, null, false);
    }

    /**
     * B's rows in place (see {@link dev.fashion.kernels.Kernels#matmulRows}): one k pass per tile, all of k,
     * from zero; no panel, since a convolution's rows are already contiguous runs of its padded planes
     * (one image's planes, 32 KB for conv2, stay in L1 while the row tiles pass over them). A row tile's
     * A rows (MR·k floats) stay in L1 across its strips. Edge tiles go through the scratch tile.
     */
    @Override
    public void matmulRows(float[] a, float[] b, int[] rows, float[] c, int co, int m, int n, int ldc) {
        int k = rows.length;
        float[] t = SCRATCH.get().tile;
        for (int r = 0; r < m; r += MR) {
            int nrows = Math.min(MR, m - r), last1 = nrows - 1;
            // Edge rows repeat the last real row; their results are dropped.
            int o0 = r * k, o1 = o0 + Math.min(1, last1) * k, o2 = o0 + Math.min(2, last1) * k;
            int o3 = o0 + Math.min(3, last1) * k, o4 = o0 + Math.min(4, last1) * k;
            int o5 = o0 + Math.min(5, last1) * k, o6 = o0 + Math.min(6, last1) * k, o7 = o0 + last1 * k;
            for (int s = 0; s < n; s += NR) {
                int cols = Math.min(NR, n - s);
                if (nrows == MR && cols == NR) {
                    gathered(a, o0, o1, o2, o3, o4, o5, o6, o7, b, rows, s, c, co + r * ldc + s, ldc);
                } else if (cols % L == 0) {
                    // Whole vectors short of a tile (conv1: 784 columns = 24 tiles and 16) or a row edge: in
                    // place a vector at a time, not through the scratch tile and its copies (conv1's forward
                    // 5% faster, Zen 5: 0.59 against 0.62 ms a batch, medians of 7 alternating runs).
                    for (int v = s; v < s + cols; v += L) {
                        gatheredVector(a, o0, o1, o2, o3, o4, o5, o6, o7, nrows, b, rows, v, c, co + r * ldc + v, ldc);
                    }
                } else {
                    gathered(a, o0, o1, o2, o3, o4, o5, o6, o7, b, rows, s, t, 0, NR);
                    for (int i = 0; i < nrows; i++) System.arraycopy(t, i * NR, c, co + (r + i) * ldc + s, cols);
                }
            }
        }
    }

    /**
     * A's rows in place at their offsets (the micro-kernels take any eight row starts), B packed as in
     * A·Bᵀ by {@link #packPanelTransposed}: for a convolution's weight gradient the rows are windows of
     * one image's padded planes, so the column matrix is never written. k blocks of KC as in gemm.
     */
    @Override
    public void matmulGatheredTransB(float[] a, int[] rows, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        Scratch scratch = SCRATCH.get();
        float[] t = scratch.tile;
        if (k == 0) {
            if (!accumulate) java.util.Arrays.fill(c, 0, m * n, 0f);
            return;
        }
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean load = accumulate || pc > 0;
            float[] panel = scratch.panel(ceilDiv(n, NR) * NR * kc);
            packPanelTransposed(b, k, 0, n, pc, kc, panel, scratch.gatherRows);
            for (int s = 0, po = 0; s < n; s += NR, po += NR * kc) {
                int cols = Math.min(NR, n - s);
                for (int r = 0; r < m; r += MR) {
                    int nrows = Math.min(MR, m - r), last = r + nrows - 1;
                    // Edge rows repeat the last real row; their results are dropped.
                    int o0 = rows[r] + pc, o1 = rows[Math.min(r + 1, last)] + pc, o2 = rows[Math.min(r + 2, last)] + pc;
                    int o3 = rows[Math.min(r + 3, last)] + pc, o4 = rows[Math.min(r + 4, last)] + pc;
                    int o5 = rows[Math.min(r + 5, last)] + pc, o6 = rows[Math.min(r + 6, last)] + pc;
                    int o7 = rows[last] + pc;
                    if (nrows == MR && cols == NR) {
                        micro(a, o0, o1, o2, o3, o4, o5, o6, o7, panel, po, kc, c, r * n + s, n, load);
                        continue;
                    }
                    if (load) {
                        for (int i = 0; i < nrows; i++) System.arraycopy(c, (r + i) * n + s, t, i * NR, cols);
                    }
                    micro(a, o0, o1, o2, o3, o4, o5, o6, o7, panel, po, kc, t, 0, NR, load);
                    for (int i = 0; i < nrows; i++) System.arraycopy(t, i * NR, c, (r + i) * n + s, cols);
                }
            }
        }
    }

    /**
     * One vector of columns for up to eight rows (offsets as {@link #gathered}: edge rows repeat the last
     * real one), stored for the first {@code nrows}: each element the same FMA chain over k as in a tile.
     */
    private static void gatheredVector(float[] x, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                       int nrows, float[] b, int[] rows, int j, float[] c, int co, int ldc) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = FloatVector.zero(S);
        for (int p = 0; p < rows.length; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, rows[p] + j);
            c0 = FloatVector.broadcast(S, x[o0 + p]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, x[o1 + p]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, x[o2 + p]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, x[o3 + p]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, x[o4 + p]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, x[o5 + p]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, x[o6 + p]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, x[o7 + p]).fma(bv, c7);
        }
        c0.intoArray(c, co);
        if (nrows > 1) c1.intoArray(c, co + ldc);
        if (nrows > 2) c2.intoArray(c, co + 2 * ldc);
        if (nrows > 3) c3.intoArray(c, co + 3 * ldc);
        if (nrows > 4) c4.intoArray(c, co + 4 * ldc);
        if (nrows > 5) c5.intoArray(c, co + 5 * ldc);
        if (nrows > 6) c6.intoArray(c, co + 6 * ldc);
        if (nrows > 7) c7.intoArray(c, co + 7 * ldc);
    }

    /** Dispatches on the constant TILE as {@link #micro} does. */
    private static void gathered(float[] x, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                 float[] b, int[] rows, int j, float[] c, int co, int ldc) {
        if (TILE == 82) gathered82(x, o0, o1, o2, o3, o4, o5, o6, o7, b, rows, j, c, co, ldc);
        else if (TILE == 62) gathered62(x, o0, o1, o2, o3, o4, o5, b, rows, j, c, co, ldc);
        else gathered43(x, o0, o1, o2, o3, b, rows, j, c, co, ldc);
    }

    @Override
    public void linearForward(float[] a, float[] b, float[] bias, float[] c, int m, int k, int n,
                              int i0, int i1, int j0, int j1, boolean relu) {
        if (m == 1) gemv(a, b, c, k, i0, i1, j0, j1, false, bias, relu);
        else transB(a, b, c, k, n, i0, i1, j0, j1, false, bias, relu);
    }

    /**
     * One input row through a weight matrix (batch 1: predicting one image): c[j] = x · w[j] for the rows
     * j of w, both with k contiguous, so no packing at all, where a tile would be 1/8 or 1/32 real work.
     * Four dot products at a time share each load of x; each is lane-wise FMAs over k, one lane
     * reduction, then the scalar tail in order. Chosen by the problem's m, never by the block, so the
     * bits do not depend on the split (they do differ, in the last place, from the same row in a batch).
     */
    private static void gemv(float[] x, float[] w, float[] c, int k, int i0, int i1, int j0, int j1,
                             boolean accumulate, float[] bias, boolean relu) {
        if (i0 >= i1) return;
        int kb = S.loopBound(k);
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            int w0 = j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kb; p += L) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, w, w0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, w, w1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, w, w2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, w, w3 + p).fma(xv, s3);
            }
            c[j] = gemvFinish(s0.reduceLanes(VectorOperators.ADD), x, w, w0, kb, k, c[j], accumulate, bias, j, relu);
            c[j + 1] = gemvFinish(s1.reduceLanes(VectorOperators.ADD), x, w, w1, kb, k, c[j + 1], accumulate, bias, j + 1, relu);
            c[j + 2] = gemvFinish(s2.reduceLanes(VectorOperators.ADD), x, w, w2, kb, k, c[j + 2], accumulate, bias, j + 2, relu);
            c[j + 3] = gemvFinish(s3.reduceLanes(VectorOperators.ADD), x, w, w3, kb, k, c[j + 3], accumulate, bias, j + 3, relu);
        }
        for (; j < j1; j++) {
            int w0 = j * k;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < kb; p += L) {
                s0 = FloatVector.fromArray(S, w, w0 + p).fma(FloatVector.fromArray(S, x, p), s0);
            }
            c[j] = gemvFinish(s0.reduceLanes(VectorOperators.ADD), x, w, w0, kb, k, c[j], accumulate, bias, j, relu);
        }
    }

    /** A gemv output from its lane sum: the scalar tail of k in order, C when accumulating, the epilogue. */
    private static float gemvFinish(float sum, float[] x, float[] w, int wo, int kb, int k, float old,
                                    boolean accumulate, float[] bias, int j, boolean relu) {
        for (int p = kb; p < k; p++) sum = Math.fma(x[p], w[wo + p], sum);
        if (accumulate) sum += old;
        return finish(sum, bias, j, relu, null, 0);
    }

    @Override
    public void matmulReluMask(float[] a, float[] b, float[] mask, float[] c, int m, int k, int n,
                               int i0, int i1, int j0, int j1) {
        gemm(a, k, false, i0, i1, b, n, false, j0, j1, k, c, n, false, false, null, false, mask);
    }

    private static void transB(float[] a, float[] b, float[] c, int k, int n, int i0, int i1, int j0, int j1,
                               boolean accumulate, float[] bias, boolean relu) {
        // Both operands have k contiguous, so one must be transposed into panels: pick the side that
        // costs less: FMAs issued for whole (padded) tiles, at two per cycle, plus about one cycle per
        // element the scalar transposes copy (per unit of k). For Y = X·Wᵀ at batch 64 that packs X
        // rather than W, and the 10-wide output layer gets 64-wide vector strips instead of tiles mostly
        // padding; C is then computed transposed.
        if (swapTransB(i1 - i0, j1 - j0, k)) {
            // gemm leaves Cᵀ in the scratch; the copy-out runs here, in its own compile (see gemm).
            if (j0 >= j1 || i0 >= i1) return;
            gemm(b, k, false, j0, j1, a, k, true, i0, i1, k, c, n, true, accumulate, bias, relu, null);
            Scratch scratch = SCRATCH.get();
            transposeOut(scratch.transposed, transposedWidth(i0, i1), j0, j1, i0, i1, c, n, bias, relu,
                    scratch.gatherRows);
        } else {
            gemm(a, k, false, i0, i1, b, k, true, j0, j1, k, c, n, false, accumulate, bias, relu, null);
        }
    }

    /** The cost model of {@link #transB}: true when packing A's rows (and computing C transposed) is cheaper. */
    private static boolean swapTransB(int rows, int cols, int k) {
        long normal = (long) MR * NV * ceilDiv(cols, NR) * ceilDiv(rows, MR) + 2L * cols;
        long swapped = (long) MR * NV * ceilDiv(rows, NR) * ceilDiv(cols, MR) + 2L * rows
                + (long) rows * cols / Math.max(k, 1);
        return swapped < normal;
    }

    /**
     * C(r, s) = sum over p of X(r, p)·Y(p, s), for r in [r0, r1), s in [s0, s1), then the epilogue.
     * X(r, p) is x[r * xld + p], or x[p * xld + r] when xByK; Y(p, s) is y[p * yld + s], or
     * y[s * yld + p] when yByS. Epilogue, in this order: + bias[C column] (bias not null), max(., 0)
     * (relu), 0 where mask (laid out as C) is not &gt; 0 (mask not null). A transposed C is left in
     * {@code Scratch.transposed}, without the epilogue, for the caller's {@link #transposeOut}.
     *
     * <p>Keep what C2 inlines into this method small: on JDK 17 its compile sits near C2's node budget
     * (NodeCountInliningCutoff), and past it the last calls inlined lose their intrinsics. An Adam
     * update added to the tile epilogue (an experiment) ran it out at the transposed copy-out, the last
     * call: its gathers then ran as allocating Java code, 196 KB a step. So the copy-out is the caller's.
     */
    private static void gemm(float[] x, int xld, boolean xByK, int r0, int r1,
                             float[] y, int yld, boolean yByS, int s0, int s1,
                             int k, float[] c, int ldc, boolean transposed, boolean accumulate,
                             float[] bias, boolean relu, float[] mask) {
        if (r0 >= r1 || s0 >= s1) return;
        assert !(transposed && xByK) : "a transposed C reads X in place"; // only A·Bᵀ computes C transposed
        Scratch scratch = SCRATCH.get();
        // A transposed C is accumulated in scratch as rows r (padded to whole tiles) by s, so every tile
        // takes the in-register path, and is transposed into C once at the end with the epilogue (before:
        // every tile went through the scalar edge copy, in and out, once per k block).
        int width = transposedWidth(s0, s1);
        float[] ct = transposed ? scratch.transposed(ceilDiv(r1 - r0, MR) * MR * width) : null;
        if (transposed && accumulate) {
            for (int r = r0; r < r1; r++) {
                for (int s = s0; s < s1; s++) ct[(r - r0) * width + s - s0] = c[s * ldc + r];
            }
        }
        if (k == 0) {
            if (transposed) {
                if (!accumulate) {
                    for (int r = r0; r < r1; r++) {
                        for (int s = s0; s < s1; s++) ct[(r - r0) * width + s - s0] = 0f;
                    }
                }
            } else {
                for (int r = r0; r < r1; r++) {
                    for (int s = s0; s < s1; s++) {
                        int ci = r * ldc + s;
                        c[ci] = finish(accumulate ? c[ci] : 0f, bias, s, relu, mask, ci);
                    }
                }
            }
            return;
        }
        for (int sb = s0; sb < s1; sb += NC) {
            int se = Math.min(s1, sb + NC);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                // The epilogue goes with the final k block; a transposed C gets it in the transpose.
                boolean last = pc + kc == k && !transposed;
                float[] eBias = last ? bias : null;
                float[] eMask = last ? mask : null;
                boolean eRelu = last && relu;
                float[] panel = scratch.panel(ceilDiv(se - sb, NR) * NR * kc);
                if (yByS) packPanelTransposed(y, yld, sb, se, pc, kc, panel, scratch.gatherRows);
                else packPanel(y, yld, sb, se, pc, kc, panel);
                // Rows of X: in place, X(r, pc) at xBase + r * xStride with p contiguous from there; or,
                // when k is X's outer axis, packed row-interleaved (tile at (r - r0) * kc, see packInterleaved).
                float[] xs = x;
                int xBase = pc, xStride = xld;
                if (xByK) {
                    xs = scratch.rows(ceilDiv(r1 - r0, MR) * MR * kc);
                    packInterleaved(x, xld, r0, r1, pc, kc, xs);
                }
                for (int s = sb, po = 0; s < se; s += NR, po += NR * kc) {
                    int cols = Math.min(NR, se - s);
                    for (int r = r0; r < r1; r += MR) {
                        int rows = Math.min(MR, r1 - r);
                        // Edge rows repeat the last real row; their results are dropped.
                        int o0 = xBase + r * xStride, last1 = rows - 1;
                        int o1 = o0 + Math.min(1, last1) * xStride, o2 = o0 + Math.min(2, last1) * xStride;
                        int o3 = o0 + Math.min(3, last1) * xStride, o4 = o0 + Math.min(4, last1) * xStride;
                        int o5 = o0 + Math.min(5, last1) * xStride, o6 = o0 + Math.min(6, last1) * xStride;
                        int o7 = o0 + last1 * xStride;
                        if (transposed) {
                            micro(xs, o0, o1, o2, o3, o4, o5, o6, o7, panel, po, kc,
                                    ct, (r - r0) * width + s - s0, width, load);
                        } else if (rows == MR && cols == NR) {
                            if (xByK) microPacked(xs, (r - r0) * kc, panel, po, kc, c, r * ldc + s, ldc, load);
                            else micro(xs, o0, o1, o2, o3, o4, o5, o6, o7, panel, po, kc, c, r * ldc + s, ldc, load);
                            if (eBias != null || eRelu || eMask != null) {
                                finishTile(c, r * ldc + s, ldc, eBias, s, eRelu, eMask);
                            }
                        } else {
                            // Partial tile: compute a full tile in scratch, copy out with the epilogue.
                            int co = r * ldc + s;
                            float[] t = scratch.tile;
                            if (load) {
                                for (int i = 0; i < rows; i++) {
                                    for (int j = 0; j < cols; j++) t[i * NR + j] = c[co + i * ldc + j];
                                }
                            }
                            if (xByK) microPacked(xs, (r - r0) * kc, panel, po, kc, t, 0, NR, load);
                            else micro(xs, o0, o1, o2, o3, o4, o5, o6, o7, panel, po, kc, t, 0, NR, load);
                            for (int i = 0; i < rows; i++) {
                                for (int j = 0; j < cols; j++) {
                                    int ci = co + i * ldc + j;
                                    c[ci] = finish(t[i * NR + j], eBias, s + j, eRelu, eMask, ci);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Row length of the scratch a transposed C over columns [s0, s1) is computed in: whole NR strips. */
    private static int transposedWidth(int s0, int s1) {
        return ceilDiv(s1 - s0, NR) * NR;
    }

    /**
     * C(r, s) = ct[(r - r0) * width + s - s0] into c[s * ldc + r], then + bias[r] and ReLU as asked: for
     * each s, L consecutive r at a time, gathered down ct's column and stored contiguously in C's row, with
     * the same operations as {@link #finish} (which the remainder, and platforms without
     * {@link VectorShapes#GATHERS}, use for every element).
     */
    private static void transposeOut(float[] ct, int width, int r0, int r1, int s0, int s1, float[] c, int ldc,
                                     float[] bias, boolean relu, int[] rows) {
        for (int l = 0; l < L; l++) rows[l] = l * width;
        int rb = VectorShapes.GATHERS ? r0 + S.loopBound(r1 - r0) : r0;
        for (int s = s0; s < s1; s++) {
            int co = s * ldc, t = s - s0;
            int r = r0;
            for (; r < rb; r += L) {
                FloatVector v = FloatVector.fromArray(S, ct, (r - r0) * width + t, rows, 0);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, r));
                if (relu) v = v.max(0f);
                v.intoArray(c, co + r);
            }
            for (; r < r1; r++) c[co + r] = finish(ct[(r - r0) * width + t], bias, r, relu, null, 0);
        }
    }

    /** The epilogue for one element, the same IEEE operations as the vector form in the micro-kernels. */
    private static float finish(float v, float[] bias, int column, boolean relu, float[] mask, int at) {
        if (bias != null) v += bias[column];
        if (relu) v = Math.max(v, 0f);
        if (mask != null && !(mask[at] > 0f)) v = 0f;
        return v;
    }

    /** Panel strips of Y(p, s) = y[p * ld + s]: strip-major, then p, then NR columns (zero-padded). */
    private static void packPanel(float[] y, int ld, int s0, int s1, int pc, int kc, float[] panel) {
        int o = 0;
        for (int s = s0; s < s1; s += NR) {
            int cols = Math.min(NR, s1 - s);
            for (int p = pc; p < pc + kc; p++, o += NR) {
                int src = p * ld + s;
                if (cols == NR) {
                    for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, y, src + v).intoArray(panel, o + v);
                } else {
                    for (int j = 0; j < cols; j++) panel[o + j] = y[src + j];
                    for (int j = cols; j < NR; j++) panel[o + j] = 0f;
                }
            }
        }
    }

    /**
     * The same panel layout from Y(p, s) = y[s * ld + p]: a transpose. A full strip is filled a vector at
     * a time, each a gather of one k from L consecutive rows of y: 2.2-2.8x faster than the scalar copy
     * (64x784: 28-30 µs against 10-14 on one core), which had been a tenth of fc1's batch-64 forward pass
     * on one core and, since both cores pack the whole batch, a fifth on two. A partial strip, or a
     * platform without {@link VectorShapes#GATHERS}, copies element by element.
     */
    private static void packPanelTransposed(float[] y, int ld, int s0, int s1, int pc, int kc, float[] panel,
                                            int[] rows) {
        for (int l = 0; l < L; l++) rows[l] = l * ld;
        for (int s = s0, o = 0; s < s1; s += NR, o += NR * kc) {
            int cols = Math.min(NR, s1 - s);
            if (cols == NR && VectorShapes.GATHERS) {
                for (int h = 0; h < NR; h += L) {
                    int src = (s + h) * ld + pc;
                    for (int p = 0; p < kc; p++) {
                        FloatVector.fromArray(S, y, src + p, rows, 0).intoArray(panel, o + p * NR + h);
                    }
                }
                continue;
            }
            for (int j = 0; j < NR; j++) {
                if (j < cols) {
                    int src = (s + j) * ld + pc;
                    for (int p = 0; p < kc; p++) panel[o + p * NR + j] = y[src + p];
                } else {
                    for (int p = 0; p < kc; p++) panel[o + p * NR + j] = 0f;
                }
            }
        }
    }

    /**
     * Rows [r0, r1) of X(r, p) = x[p * ld + r], k block [pc, pc + kc), packed row-interleaved the way the
     * packed micro-kernels read them: the tile of MR rows from r holds X(r + i, pc + p) at
     * (r - r0) * kc + p * MR + i, zero past r1. Each (tile, p) is MR floats that are already contiguous
     * in x, so this is a copy; the row-major packing it replaced was a scalar transpose, and its kernel
     * needed an index register per row.
     */
    private static void packInterleaved(float[] x, int ld, int r0, int r1, int pc, int kc, float[] out) {
        for (int r = r0; r < r1; r += MR) {
            int rows = Math.min(MR, r1 - r), t = (r - r0) * kc;
            for (int p = 0; p < kc; p++) {
                int src = (pc + p) * ld + r, dst = t + p * MR;
                for (int i = 0; i < rows; i++) out[dst + i] = x[src + i];
                for (int i = rows; i < MR; i++) out[dst + i] = 0f;
            }
        }
    }

    /*
     * Micro-kernels: C[MR x NR] (+)= X rows o0.. (kc values each) times the panel strip at po, starting
     * from C when load, else from zero. Bodies differ only in tile shape (see TILE for why three) and are
     * generated by tools/microkernels.py: edit the script, not the bodies. Everything stays inside one
     * flat method with named locals, because C2 does not inline a helper into a method this big and a
     * vector that crosses a real call is boxed (STYLE.md: 14-40x slower). The loops are not unrolled: two
     * steps per trip made the kernel alone 20-28% faster, but JDK 17's C2 then sometimes boxed every
     * FMA's result inside training (see tools/microkernels.py for the numbers).
     */

    /** Dispatches on the constant TILE; C2 folds it, so only the chosen kernel is ever compiled. */
    private static void micro(float[] x, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                              float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        if (TILE == 82) tile82(x, o0, o1, o2, o3, o4, o5, o6, o7, panel, po, kc, c, co, ldc, load);
        else if (TILE == 62) tile62(x, o0, o1, o2, o3, o4, o5, panel, po, kc, c, co, ldc, load);
        else tile43(x, o0, o1, o2, o3, panel, po, kc, c, co, ldc, load);
    }

    /** As {@link #micro}, for rows packed by {@link #packInterleaved}: X(i, p) at x[xo + p * MR + i]. */
    private static void microPacked(float[] x, int xo, float[] panel, int po, int kc, float[] c, int co, int ldc,
                                    boolean load) {
        if (TILE == 82) packed82(x, xo, panel, po, kc, c, co, ldc, load);
        else if (TILE == 62) packed62(x, xo, panel, po, kc, c, co, ldc, load);
        else packed43(x, xo, panel, po, kc, c, co, ldc, load);
    }

    /**
     * The epilogue over the whole tile the micro-kernel just stored, while it is in L1. Not in the
     * micro-kernel's registers: that was measured ~40% slower at 256x256x256 on JDK 17 (4x3) and 25 (6x2),
     * because the extra live vectors made C2 allocate the k loop's registers worse (AVX2 has 16).
     */
    private static void finishTile(float[] c, int co, int ldc, float[] bias, int bo, boolean relu, float[] mask) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < MR; i++) {
            for (int v = 0; v < NR; v += L) {
                int at = co + i * ldc + v;
                FloatVector x = FloatVector.fromArray(S, c, at);
                if (bias != null) x = x.add(FloatVector.fromArray(S, bias, bo + v));
                if (relu) x = x.max(0f);
                if (mask != null) x = zero.blend(x, FloatVector.fromArray(S, mask, at).compare(GT, 0f));
                x.intoArray(c, at);
            }
        }
    }

    private static void tile82(float[] x, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                               float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co);
            c01 = FloatVector.fromArray(S, c, co + L);
            c10 = FloatVector.fromArray(S, c, co + ldc);
            c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, co + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, co + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, co + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, co + 7 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int q = po + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, panel, q);
            FloatVector b1 = FloatVector.fromArray(S, panel, q + L);
            FloatVector av = FloatVector.broadcast(S, x[o0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[o1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[o2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[o3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[o4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[o5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, x[o6 + p]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, x[o7 + p]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    private static void tile62(float[] x, int o0, int o1, int o2, int o3, int o4, int o5,
                               float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co);
            c01 = FloatVector.fromArray(S, c, co + L);
            c10 = FloatVector.fromArray(S, c, co + ldc);
            c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int q = po + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, panel, q);
            FloatVector b1 = FloatVector.fromArray(S, panel, q + L);
            FloatVector av = FloatVector.broadcast(S, x[o0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[o1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[o2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[o3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[o4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[o5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
    }

    private static void tile43(float[] x, int o0, int o1, int o2, int o3,
                               float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co);
            c01 = FloatVector.fromArray(S, c, co + L);
            c02 = FloatVector.fromArray(S, c, co + 2 * L);
            c10 = FloatVector.fromArray(S, c, co + ldc);
            c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c12 = FloatVector.fromArray(S, c, co + ldc + 2 * L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, co + 2 * ldc + 2 * L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, co + 3 * ldc + 2 * L);
        } else {
            c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int q = po + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, panel, q);
            FloatVector b1 = FloatVector.fromArray(S, panel, q + L);
            FloatVector b2 = FloatVector.fromArray(S, panel, q + 2 * L);
            FloatVector av = FloatVector.broadcast(S, x[o0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(S, x[o1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(S, x[o2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            av = FloatVector.broadcast(S, x[o3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c12.intoArray(c, co + ldc + 2 * L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c22.intoArray(c, co + 2 * ldc + 2 * L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c32.intoArray(c, co + 3 * ldc + 2 * L);
    }

    private static void packed82(float[] x, int xo,
                                 float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co);
            c01 = FloatVector.fromArray(S, c, co + L);
            c10 = FloatVector.fromArray(S, c, co + ldc);
            c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, co + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, co + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, co + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, co + 7 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int q = po + p * NR;
            int a = xo + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, panel, q);
            FloatVector b1 = FloatVector.fromArray(S, panel, q + L);
            FloatVector av = FloatVector.broadcast(S, x[a]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[a + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[a + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[a + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[a + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[a + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, x[a + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, x[a + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    private static void packed62(float[] x, int xo,
                                 float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co);
            c01 = FloatVector.fromArray(S, c, co + L);
            c10 = FloatVector.fromArray(S, c, co + ldc);
            c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, co + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, co + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int q = po + p * NR;
            int a = xo + p * 6;
            FloatVector b0 = FloatVector.fromArray(S, panel, q);
            FloatVector b1 = FloatVector.fromArray(S, panel, q + L);
            FloatVector av = FloatVector.broadcast(S, x[a]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[a + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[a + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[a + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[a + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[a + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
    }

    private static void packed43(float[] x, int xo,
                                 float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        if (load) {
            c00 = FloatVector.fromArray(S, c, co);
            c01 = FloatVector.fromArray(S, c, co + L);
            c02 = FloatVector.fromArray(S, c, co + 2 * L);
            c10 = FloatVector.fromArray(S, c, co + ldc);
            c11 = FloatVector.fromArray(S, c, co + ldc + L);
            c12 = FloatVector.fromArray(S, c, co + ldc + 2 * L);
            c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, co + 2 * ldc + 2 * L);
            c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, co + 3 * ldc + 2 * L);
        } else {
            c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = FloatVector.zero(S);
        }
        for (int p = 0; p < kc; p++) {
            int q = po + p * NR;
            int a = xo + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, panel, q);
            FloatVector b1 = FloatVector.fromArray(S, panel, q + L);
            FloatVector b2 = FloatVector.fromArray(S, panel, q + 2 * L);
            FloatVector av = FloatVector.broadcast(S, x[a]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(S, x[a + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(S, x[a + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            av = FloatVector.broadcast(S, x[a + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c12.intoArray(c, co + ldc + 2 * L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c22.intoArray(c, co + 2 * ldc + 2 * L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c32.intoArray(c, co + 3 * ldc + 2 * L);
    }

    private static void gathered82(float[] x, int o0, int o1, int o2, int o3, int o4, int o5, int o6, int o7,
                                   float[] b, int[] rows, int j, float[] c, int co, int ldc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(S);
        for (int p = 0; p < rows.length; p++) {
            int q = rows[p] + j;
            FloatVector b0 = FloatVector.fromArray(S, b, q);
            FloatVector b1 = FloatVector.fromArray(S, b, q + L);
            FloatVector av = FloatVector.broadcast(S, x[o0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[o1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[o2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[o3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[o4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[o5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, x[o6 + p]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, x[o7 + p]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    private static void gathered62(float[] x, int o0, int o1, int o2, int o3, int o4, int o5,
                                   float[] b, int[] rows, int j, float[] c, int co, int ldc) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        for (int p = 0; p < rows.length; p++) {
            int q = rows[p] + j;
            FloatVector b0 = FloatVector.fromArray(S, b, q);
            FloatVector b1 = FloatVector.fromArray(S, b, q + L);
            FloatVector av = FloatVector.broadcast(S, x[o0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, x[o1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, x[o2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, x[o3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, x[o4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, x[o5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
    }

    private static void gathered43(float[] x, int o0, int o1, int o2, int o3,
                                   float[] b, int[] rows, int j, float[] c, int co, int ldc) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
        c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = FloatVector.zero(S);
        for (int p = 0; p < rows.length; p++) {
            int q = rows[p] + j;
            FloatVector b0 = FloatVector.fromArray(S, b, q);
            FloatVector b1 = FloatVector.fromArray(S, b, q + L);
            FloatVector b2 = FloatVector.fromArray(S, b, q + 2 * L);
            FloatVector av = FloatVector.broadcast(S, x[o0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(S, x[o1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(S, x[o2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            av = FloatVector.broadcast(S, x[o3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c12.intoArray(c, co + ldc + 2 * L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c22.intoArray(c, co + 2 * ldc + 2 * L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c32.intoArray(c, co + 3 * ldc + 2 * L);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    // ---- bias ---------------------------------------------------------------------------------------

    @Override
    public int columnTile() {
        return NR;
    }

    @Override
    public void addBias(float[] c, float[] bias, int n, int i0, int i1) {
        int bound = S.loopBound(n);
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, c, ci + j).add(FloatVector.fromArray(S, bias, j)).intoArray(c, ci + j);
            }
            for (; j < n; j++) c[ci + j] += bias[j];
        }
    }

    @Override
    public void biasGradient(float[] dy, float[] db, int m, int n, int j0, int j1, boolean accumulate) {
        // Vectors run across columns, so each column is still summed over i in increasing order.
        int j = j0;
        for (int bound = j0 + S.loopBound(j1 - j0); j < bound; j += L) {
            FloatVector sum = accumulate ? FloatVector.fromArray(S, db, j) : FloatVector.zero(S);
            for (int i = 0; i < m; i++) sum = sum.add(FloatVector.fromArray(S, dy, i * n + j));
            sum.intoArray(db, j);
        }
        for (; j < j1; j++) {
            float sum = accumulate ? db[j] : 0f;
            for (int i = 0; i < m; i++) sum += dy[i * n + j];
            db[j] = sum;
        }
    }

    // ---- activations --------------------------------------------------------------------------------

    @Override
    public void relu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        }
        for (; i < to; i++) y[i] = Math.max(x[i], 0f);
    }

    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            VectorMask<Float> on = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), on).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    // ---- softmax family ------------------------------------------------------------------------------
    //
    // A row here is 10 wide, so vectors do not run along a row (one 8- or 16-lane vector and a tail per
    // row): the per-row max, sum and log stay scalar (10 values, one log), and exp, the expensive part,
    // runs flat over the block's contiguous rows, across row boundaries, 8 or 16 lanes at a time, from a
    // scratch buffer. That loop carries no vector from one trip to the next and calls nothing: an earlier
    // class-major version (8 rows per vector, vectors live across the row loops) was compiled by JDK 17's
    // C2, in about every second JVM run, into code that boxed vectors on every call.

    @Override
    public void logSoftmax(float[] x, float[] y, int n, int i0, int i1) {
        float[] e = SCRATCH.get().exps((i1 - i0) * n);
        shiftByRowMax(x, y, n, i0, i1);
        exp(y, i0 * n, e, (i1 - i0) * n);
        for (int i = i0, o = 0; i < i1; i++, o += n) {
            int r = i * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) sum += e[o + j];
            float logSum = (float) Math.log(sum);
            for (int j = 0; j < n; j++) y[r + j] -= logSum;
        }
    }

    @Override
    public void logSoftmaxBackward(float[] y, float[] dy, float[] dx, int n, int i0, int i1) {
        float[] e = SCRATCH.get().exps((i1 - i0) * n);
        exp(y, i0 * n, e, (i1 - i0) * n);
        for (int i = i0, o = 0; i < i1; i++, o += n) {
            int r = i * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) sum += dy[r + j];
            for (int j = 0; j < n; j++) dx[r + j] = dy[r + j] - e[o + j] * sum;
        }
    }

    @Override
    public void softmax(float[] x, float[] y, int n, int i0, int i1) {
        shiftByRowMax(x, y, n, i0, i1);
        exp(y, i0 * n, y, i1 * n - i0 * n, i0 * n);
        for (int i = i0; i < i1; i++) {
            int r = i * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) sum += y[r + j];
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) y[r + j] *= inv;
        }
    }

    /** The polynomial exp, then the scale: both the same operations in the vector body and the tail. */
    @Override
    public void expScale(float[] x, float[] y, float scale, int from, int to) {
        exp(x, from, y, to - from, from);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, y, i).mul(scale).intoArray(y, i);
        }
        for (; i < to; i++) y[i] *= scale;
    }

    @Override
    public void softmaxBackward(float[] y, float[] dy, float[] dx, int n, int i0, int i1) {
        ROWS.softmaxBackward(y, dy, dx, n, i0, i1); // no exp: nothing for vectors to win on 10-wide rows
    }

    private static final ScalarKernels ROWS = new ScalarKernels();

    /** y = x - (max of x's row), the same operations as the scalar baseline, so exp never overflows. */
    private static void shiftByRowMax(float[] x, float[] y, int n, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int r = i * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, x[r + j]);
            for (int j = 0; j < n; j++) y[r + j] = x[r + j] - max;
        }
    }

    private static void exp(float[] src, int from, float[] dst, int count) {
        exp(src, from, dst, count, 0);
    }

    /*
     * dst[to + i] = exp(src[from + i]) for i < count: FloatExp's polynomial on whole vectors, the same
     * operations in the same order, and FloatExp itself for the tail, so every element gets the same bits
     * wherever it falls and whichever kernels run (VectorOperators.EXP does not: SVML stubs).
     */
    private static void exp(float[] src, int from, float[] dst, int count, int to) {
        int i = 0;
        for (int bound = S.loopBound(count); i < bound; i += L) {
            FloatVector x = FloatVector.fromArray(S, src, from + i).max(FloatExp.LO).min(FloatExp.HI);
            FloatVector t = x.fma(FloatExp.LOG2E, FloatExp.ROUNDER);
            FloatVector n = t.sub(FloatExp.ROUNDER);
            FloatVector r = n.mul(FloatExp.NEG_LN2_HI).add(x).add(n.mul(FloatExp.NEG_LN2_LO));
            // Constants broadcast in the loop (C2 hoists them), so no vector is live across the back edge.
            FloatVector p = r.fma(FloatExp.P0, FloatExp.P1).fma(r, FloatVector.broadcast(S, FloatExp.P2))
                    .fma(r, FloatVector.broadcast(S, FloatExp.P3)).fma(r, FloatVector.broadcast(S, FloatExp.P4))
                    .fma(r, FloatVector.broadcast(S, FloatExp.P5));
            FloatVector er = p.fma(r.mul(r), r).add(1f);
            FloatVector scale = t.reinterpretAsInts().add(FloatExp.EXP_BIAS).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            er.mul(scale).intoArray(dst, to + i);
        }
        for (; i < count; i++) dst[to + i] = FloatExp.exp(src[from + i]);
    }

    // ---- optimizer updates --------------------------------------------------------------------------
    // Vector body and scalar tail spell out the same operations in the same order (no FMA contraction),
    // so an element's result does not depend on which of them handles it.
    //
    // Adam is bound by its divide and square root (about 25 cycles per 16 elements with everything in
    // L1, 30-36 for the whole model), not by memory. Running it on each weight-gradient tile as the tile
    // was stored, so the divides might overlap the next tile's FMAs, was tried: no faster on one thread,
    // slower on two (JDK 25, batch 64: 0.88-0.92 against 0.61-0.74 ms/step), and on JDK 17 it pushed
    // gemm past C2's node budget (see gemm). So it stays a pass of its own.

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
                     float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        float stepSize = lr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector gi = FloatVector.fromArray(S, g, i).add(pv.mul(weightDecay));
            FloatVector mi = flushSubnormal(FloatVector.fromArray(S, m, i).mul(beta1).add(gi.mul(oneMinusBeta1)));
            FloatVector vi = flushSubnormal(FloatVector.fromArray(S, v, i).mul(beta2).add(gi.mul(oneMinusBeta2).mul(gi)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().mul(invSqrtBc2).add(eps);
            pv.sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gi = g[i] + p[i] * weightDecay;
            float mi = ScalarKernels.flushSubnormal(m[i] * beta1 + gi * oneMinusBeta1);
            float vi = ScalarKernels.flushSubnormal(v[i] * beta2 + gi * oneMinusBeta2 * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] -= mi * stepSize / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    /** As {@link #adam}, with the decay a multiplication of the weight instead of a term of the gradient. */
    @Override
    public void adamw(float[] p, float[] g, float[] m, float[] v, int from, int to,
                      float lr, float beta1, float beta2, float eps, float decayFactor, float bc1, float bc2) {
        float stepSize = lr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i).mul(decayFactor);
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = flushSubnormal(FloatVector.fromArray(S, m, i).mul(beta1).add(gi.mul(oneMinusBeta1)));
            FloatVector vi = flushSubnormal(FloatVector.fromArray(S, v, i).mul(beta2).add(gi.mul(oneMinusBeta2).mul(gi)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().mul(invSqrtBc2).add(eps);
            pv.sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gi = g[i];
            float pi = p[i] * decayFactor;
            float mi = ScalarKernels.flushSubnormal(m[i] * beta1 + gi * oneMinusBeta1);
            float vi = ScalarKernels.flushSubnormal(v[i] * beta2 + gi * oneMinusBeta2 * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - mi * stepSize / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    @Override
    public void sgd(float[] p, float[] g, float[] buf, int from, int to,
                    float lr, float momentum, float weightDecay, boolean nesterov) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        if (momentum == 0f) {
            for (; i < bound; i += L) {
                FloatVector pv = FloatVector.fromArray(S, p, i);
                FloatVector gi = FloatVector.fromArray(S, g, i).add(pv.mul(weightDecay));
                pv.sub(gi.mul(lr)).intoArray(p, i);
            }
            for (; i < to; i++) p[i] -= (g[i] + p[i] * weightDecay) * lr;
            return;
        }
        for (; i < bound; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector gi = FloatVector.fromArray(S, g, i).add(pv.mul(weightDecay));
            FloatVector b = flushSubnormal(FloatVector.fromArray(S, buf, i).mul(momentum).add(gi));
            b.intoArray(buf, i);
            FloatVector step = nesterov ? gi.add(b.mul(momentum)) : b;
            pv.sub(step.mul(lr)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gi = g[i] + p[i] * weightDecay;
            float b = ScalarKernels.flushSubnormal(buf[i] * momentum + gi);
            buf[i] = b;
            float step = nesterov ? gi + b * momentum : b;
            p[i] -= step * lr;
        }
    }

    /** {@link ScalarKernels#flushSubnormal} lane-wise: a compare and a blend, no branch. */
    private static FloatVector flushSubnormal(FloatVector x) {
        return x.blend(0f, x.abs().lt(Float.MIN_NORMAL));
    }

    // ---- calibration --------------------------------------------------------------------------------

    /**
     * Twelve vector chains: enough for FMA latency times units (4 x 2 on the cores here), and with the
     * two constants 14 registers, which fit even AVX2's 16 without spilling.
     */
    @Override
    public long fmaProbe(long flops, float[] sink) {
        long perRound = 2L * 12 * L;
        long rounds = Math.max(1, (flops + perRound - 1) / perRound);
        FloatVector m = FloatVector.broadcast(S, 0.999f), c = FloatVector.broadcast(S, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(S, sink[0]), a1 = a0.add(1f), a2 = a0.add(2f), a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f), a5 = a0.add(5f), a6 = a0.add(6f), a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f), a9 = a0.add(9f), a10 = a0.add(10f), a11 = a0.add(11f);
        for (long r = 0; r < rounds; r++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
        }
        sink[0] = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
        return rounds * perRound;
    }
}
