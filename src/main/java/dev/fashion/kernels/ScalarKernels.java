package dev.fashion.kernels;

/**
 * The scalar baseline: plain loops that are obviously right, used when the Vector API is absent and as
 * the reference the vector kernels are tested and benchmarked against. Not tuned on purpose.
 *
 * <p>It does the vector kernels' arithmetic one element at a time: each matmul element is a chain of
 * {@link Math#fma} over k in increasing order, and the softmax family's exp is {@link FloatExp}. So the
 * two give the same bits (batch-1 forward aside, which the vector kernels compute as dot products), and a
 * training run with either is the same run: the vector kernels are faster, not different.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String describe() {
        return "scalar (plain Java loops)";
    }

    @Override
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n,
                       int i0, int i1, int j0, int j1, boolean accumulate) {
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            if (!accumulate) {
                for (int j = j0; j < j1; j++) c[ci + j] = 0f;
            }
            // i-k-j order: the inner loop streams a row of B and a row of C.
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bp = p * n;
                for (int j = j0; j < j1; j++) c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
            }
        }
    }

    @Override
    public void matmulRows(float[] a, float[] b, int[] rows, float[] c, int co, int m, int n, int ldc) {
        int k = rows.length;
        for (int i = 0; i < m; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < n; j++) c[ci + j] = 0f;
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bp = rows[p];
                for (int j = 0; j < n; j++) c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
            }
        }
    }

    @Override
    public void matmulGatheredTransB(float[] a, int[] rows, float[] b, float[] c, int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = rows[i];
            for (int j = 0; j < n; j++) {
                float acc = accumulate ? c[i * n + j] : 0f;
                for (int p = 0; p < k; p++) acc = Math.fma(a[ai + p], b[j * k + p], acc);
                c[i * n + j] = acc;
            }
        }
    }

    @Override
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n,
                             int i0, int i1, int j0, int j1, boolean accumulate) {
        if (!accumulate) {
            for (int i = i0; i < i1; i++) {
                for (int j = j0; j < j1; j++) c[i * n + j] = 0f;
            }
        }
        for (int p = 0; p < k; p++) {
            int ap = p * m;
            int bp = p * n;
            for (int i = i0; i < i1; i++) {
                float api = a[ap + i];
                int ci = i * n;
                for (int j = j0; j < j1; j++) c[ci + j] = Math.fma(api, b[bp + j], c[ci + j]);
            }
        }
    }

    @Override
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n,
                             int i0, int i1, int j0, int j1, boolean accumulate) {
        for (int i = i0; i < i1; i++) {
            int ai = i * k;
            for (int j = j0; j < j1; j++) {
                int bj = j * k;
                float sum = accumulate ? c[i * n + j] : 0f;
                for (int p = 0; p < k; p++) sum = Math.fma(a[ai + p], b[bj + p], sum);
                c[i * n + j] = sum;
            }
        }
    }

    @Override
    public void linearForward(float[] a, float[] b, float[] bias, float[] c, int m, int k, int n,
                              int i0, int i1, int j0, int j1, boolean relu) {
        matmulTransB(a, b, c, m, k, n, i0, i1, j0, j1, false);
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            for (int j = j0; j < j1; j++) {
                float v = bias == null ? c[ci + j] : c[ci + j] + bias[j];
                c[ci + j] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    @Override
    public void matmulReluMask(float[] a, float[] b, float[] mask, float[] c, int m, int k, int n,
                               int i0, int i1, int j0, int j1) {
        matmul(a, b, c, m, k, n, i0, i1, j0, j1, false);
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            for (int j = j0; j < j1; j++) c[ci + j] = mask[ci + j] > 0f ? c[ci + j] : 0f;
        }
    }

    @Override
    public void addBias(float[] c, float[] bias, int n, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int ci = i * n;
            for (int j = 0; j < n; j++) c[ci + j] += bias[j];
        }
    }

    @Override
    public void biasGradient(float[] dy, float[] db, int m, int n, int j0, int j1, boolean accumulate) {
        for (int j = j0; j < j1; j++) {
            float sum = accumulate ? db[j] : 0f;
            for (int i = 0; i < m; i++) sum += dy[i * n + j];
            db[j] = sum;
        }
    }

    @Override
    public void relu(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f);
    }

    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    @Override
    public void logSoftmax(float[] x, float[] y, int n, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int r = i * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, x[r + j]);
            float sum = 0f;
            for (int j = 0; j < n; j++) sum += FloatExp.exp(x[r + j] - max);
            float logSum = (float) Math.log(sum);
            for (int j = 0; j < n; j++) y[r + j] = x[r + j] - max - logSum;
        }
    }

    @Override
    public void logSoftmaxBackward(float[] y, float[] dy, float[] dx, int n, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int r = i * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) sum += dy[r + j];
            for (int j = 0; j < n; j++) dx[r + j] = dy[r + j] - FloatExp.exp(y[r + j]) * sum;
        }
    }

    @Override
    public void softmax(float[] x, float[] y, int n, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int r = i * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, x[r + j]);
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float e = FloatExp.exp(x[r + j] - max);
                y[r + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) y[r + j] *= inv;
        }
    }

    @Override
    public void expScale(float[] x, float[] y, float scale, int from, int to) {
        for (int i = from; i < to; i++) y[i] = FloatExp.exp(x[i]) * scale;
    }

    @Override
    public void softmaxBackward(float[] y, float[] dy, float[] dx, int n, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int r = i * n;
            float dot = 0f;
            for (int j = 0; j < n; j++) dot += dy[r + j] * y[r + j];
            for (int j = 0; j < n; j++) dx[r + j] = y[r + j] * (dy[r + j] - dot);
        }
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
                     float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        float stepSize = lr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        for (int i = from; i < to; i++) {
            float gi = g[i] + weightDecay * p[i];
            float mi = flushSubnormal(beta1 * m[i] + (1f - beta1) * gi);
            float vi = flushSubnormal(beta2 * v[i] + (1f - beta2) * gi * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    @Override
    public void adamw(float[] p, float[] g, float[] m, float[] v, int from, int to,
                      float lr, float beta1, float beta2, float eps, float decayFactor, float bc1, float bc2) {
        float stepSize = lr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float pi = p[i] * decayFactor;
            float mi = flushSubnormal(beta1 * m[i] + (1f - beta1) * gi);
            float vi = flushSubnormal(beta2 * v[i] + (1f - beta2) * gi * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    @Override
    public void sgd(float[] p, float[] g, float[] buf, int from, int to,
                    float lr, float momentum, float weightDecay, boolean nesterov) {
        for (int i = from; i < to; i++) {
            float gi = g[i] + weightDecay * p[i];
            if (momentum != 0f) {
                float b = flushSubnormal(momentum * buf[i] + gi);
                buf[i] = b;
                gi = nesterov ? gi + momentum * b : b;
            }
            p[i] -= lr * gi;
        }
    }

    /**
     * 0 for a subnormal (or zero) {@code x}, else {@code x}: optimizer state is kept out of the subnormal
     * range, where arithmetic is ~100x slower on Intel cores (see {@link Kernels#adam}).
     */
    public static float flushSubnormal(float x) {
        // A conditional move; it stops C2's auto-vectorization of the loop around it (scalar Adam: 0.16 ->
        // 0.7 ms at the reference size), which is still small beside the scalar matmuls (~22 ms a step).
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }

    /** Twelve chains: FMA latency (4-5 cycles) times the units (2) per core, with room to spare. */
    @Override
    public long fmaProbe(long flops, float[] sink) {
        long rounds = Math.max(1, (flops + 23) / 24);
        float m = 0.999f, c = 1e-3f;
        float a0 = sink[0], a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5;
        float a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
        for (long r = 0; r < rounds; r++) {
            a0 = Math.fma(a0, m, c); a1 = Math.fma(a1, m, c); a2 = Math.fma(a2, m, c); a3 = Math.fma(a3, m, c);
            a4 = Math.fma(a4, m, c); a5 = Math.fma(a5, m, c); a6 = Math.fma(a6, m, c); a7 = Math.fma(a7, m, c);
            a8 = Math.fma(a8, m, c); a9 = Math.fma(a9, m, c); a10 = Math.fma(a10, m, c); a11 = Math.fma(a11, m, c);
        }
        sink[0] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return rounds * 24;
    }
}
