package dev.fashion.bench;

import dev.fashion.kernels.Kernels;
import dev.ludovic.netlib.blas.JavaBLAS;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.jblas.NativeBlas;
import org.ojalgo.matrix.store.R032Store;

/**
 * The three matmul forms of {@link MatmulBench} on row-major {@code float[]} through each library's own
 * API, with no copies: EJML and our kernels are row-major; the BLAS libraries and ojalgo are column-major,
 * so they compute Cᵀ = op(B)ᵀ·op(A)ᵀ on the same arrays, which is the same row-major C.
 */
abstract class PeerGemm {

    /** What the library really runs (e.g. which netlib implementation it picked). */
    abstract String describe();

    /** C[m,n] = A[m,k]·B[k,n]. */
    abstract void ab(float[] a, float[] b, float[] c, int m, int k, int n);

    /** C[m,n] = A[m,k]·B[n,k]ᵀ. */
    abstract void abt(float[] a, float[] b, float[] c, int m, int k, int n);

    /** C[m,n] = A[k,m]ᵀ·B[k,n]. */
    abstract void atb(float[] a, float[] b, float[] c, int m, int k, int n);

    static PeerGemm of(String lib) {
        return switch (lib) {
            case "fashion" -> new Ours(Inputs.kernels("vector"));
            case "ejml" -> new Ejml();
            case "ojalgo" -> new Ojalgo();
            case "netlib" -> new Netlib();
            case "jblas" -> new Jblas();
            default -> throw new IllegalArgumentException("lib: expected fashion, ejml, ojalgo, netlib or jblas, got " + lib);
        };
    }

    static final class Ours extends PeerGemm {
        private final Kernels k;

        Ours(Kernels k) {
            this.k = k;
        }

        String describe() {
            return k.describe();
        }

        void ab(float[] a, float[] b, float[] c, int m, int kk, int n) {
            k.matmul(a, b, c, m, kk, n, 0, m, 0, n, false);
        }

        void abt(float[] a, float[] b, float[] c, int m, int kk, int n) {
            k.matmulTransB(a, b, c, m, kk, n, 0, m, 0, n, false);
        }

        void atb(float[] a, float[] b, float[] c, int m, int kk, int n) {
            k.matmulTransA(a, b, c, m, kk, n, 0, m, 0, n, false);
        }
    }

    /** EJML's row-major dense float matrices; wrapping shares the arrays. */
    static final class Ejml extends PeerGemm {
        private FMatrixRMaj ma;
        private FMatrixRMaj mb;
        private FMatrixRMaj mc;

        String describe() {
            return "EJML CommonOps_FDRM";
        }

        // Wrappers are made once per array set and reused: the benchmark's arrays never change.
        private void wrap(float[] a, int ar, int ac, float[] b, int br, int bc, float[] c, int m, int n) {
            if (ma == null || ma.data != a || mb.data != b || mc.data != c) {
                ma = FMatrixRMaj.wrap(ar, ac, a);
                mb = FMatrixRMaj.wrap(br, bc, b);
                mc = FMatrixRMaj.wrap(m, n, c);
            }
        }

        void ab(float[] a, float[] b, float[] c, int m, int k, int n) {
            wrap(a, m, k, b, k, n, c, m, n);
            CommonOps_FDRM.mult(ma, mb, mc);
        }

        void abt(float[] a, float[] b, float[] c, int m, int k, int n) {
            wrap(a, m, k, b, n, k, c, m, n);
            CommonOps_FDRM.multTransB(ma, mb, mc);
        }

        void atb(float[] a, float[] b, float[] c, int m, int k, int n) {
            wrap(a, k, m, b, k, n, c, m, n);
            CommonOps_FDRM.multTransA(ma, mb, mc);
        }
    }

    /**
     * ojalgo's column-major float store. Transposed operands are ojalgo's own transpose views, as a user
     * would write them; the views and wrappers are made once.
     */
    static final class Ojalgo extends PeerGemm {
        private float[] lastA;
        private float[] lastB;
        private float[] lastC;
        private org.ojalgo.matrix.store.MatrixStore<Double> left;
        private org.ojalgo.matrix.store.MatrixStore<Double> right;
        private R032Store out;

        String describe() {
            return "ojAlgo R032Store.fillByMultiplying";
        }

        private boolean same(float[] a, float[] b, float[] c) {
            boolean same = a == lastA && b == lastB && c == lastC;
            lastA = a;
            lastB = b;
            lastC = c;
            return same;
        }

        void ab(float[] a, float[] b, float[] c, int m, int k, int n) {
            if (!same(a, b, c)) {
                left = R032Store.wrap(b, n);   // Bᵀ [n,k]
                right = R032Store.wrap(a, k);  // Aᵀ [k,m]
                out = R032Store.wrap(c, n);    // Cᵀ [n,m]
            }
            out.fillByMultiplying(left, right);
        }

        void abt(float[] a, float[] b, float[] c, int m, int k, int n) {
            if (!same(a, b, c)) {
                left = R032Store.wrap(b, k).transpose(); // B [n,k]
                right = R032Store.wrap(a, k);            // Aᵀ [k,m]
                out = R032Store.wrap(c, n);
            }
            out.fillByMultiplying(left, right);
        }

        void atb(float[] a, float[] b, float[] c, int m, int k, int n) {
            if (!same(a, b, c)) {
                left = R032Store.wrap(b, n);             // Bᵀ [n,k]
                right = R032Store.wrap(a, m).transpose(); // A [k,m]
                out = R032Store.wrap(c, n);
            }
            out.fillByMultiplying(left, right);
        }
    }

    /** Column-major sgemm on Cᵀ [n,m]: the same call shape for netlib and jblas. */
    abstract static class Blas extends PeerGemm {
        abstract void sgemm(char ta, char tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
                            float[] c, int ldc);

        void ab(float[] a, float[] b, float[] c, int m, int k, int n) {
            sgemm('N', 'N', n, m, k, b, n, a, k, c, n);
        }

        void abt(float[] a, float[] b, float[] c, int m, int k, int n) {
            sgemm('T', 'N', n, m, k, b, k, a, k, c, n);
        }

        void atb(float[] a, float[] b, float[] c, int m, int k, int n) {
            sgemm('N', 'T', n, m, k, b, n, a, m, c, n);
        }
    }

    /** netlib-java's pure-Java BLAS: its Vector API implementation when jdk.incubator.vector is loaded. */
    static final class Netlib extends Blas {
        private final JavaBLAS blas = JavaBLAS.getInstance();

        String describe() {
            return "netlib " + blas.getClass().getSimpleName();
        }

        void sgemm(char ta, char tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
            blas.sgemm(ta == 'T' ? "T" : "N", tb == 'T' ? "T" : "N", m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
        }
    }

    /** jblas: JNI into its bundled OpenBLAS build. */
    static final class Jblas extends Blas {
        String describe() {
            return "jblas NativeBlas (bundled OpenBLAS)";
        }

        void sgemm(char ta, char tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
            NativeBlas.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc);
        }
    }
}
