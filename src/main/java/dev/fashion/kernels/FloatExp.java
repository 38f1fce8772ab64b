package dev.fashion.kernels;

/**
 * The exp of the softmax family, one float at a time: Cephes' expf, about 1 ulp, for arguments up to 88
 * (callers pass x - max &lt;= 0 or log-probabilities; below -87 the result is about 2^-126 instead of
 * smaller, which no sum of a row notices).
 *
 * <p>exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x - n·ln 2 in two parts, exp(r) a degree-7
 * polynomial. n is rounded by adding 1.5·2^23 (whose float bits then hold n in the low bits, so 2^n is
 * built from them by an integer add and shift). Only IEEE adds, multiplies and FMAs: the vector kernels
 * run the same sequence on whole vectors with these constants, so the scalar baseline and every vector
 * lane give the same bits (Math.exp and VectorOperators.EXP do not agree with each other, or across
 * JDKs), which is what lets scalar and vector training runs stay bit-identical.
 */
public final class FloatExp {

    public static final float LO = -87f, HI = 88f;
    public static final float LOG2E = 1.44269504088896341f;
    public static final float ROUNDER = 12582912f; // 1.5 * 2^23
    /** Turns the rounder's bits into n + 127, the exponent field of 2^n. */
    public static final int EXP_BIAS = 127 - 0x4B400000;
    public static final float NEG_LN2_HI = -0.693359375f, NEG_LN2_LO = 2.12194440e-4f;
    public static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private FloatExp() {
    }

    public static float exp(float x) {
        x = Math.min(Math.max(x, LO), HI);
        float t = Math.fma(x, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = n * NEG_LN2_HI + x + n * NEG_LN2_LO; // n * hi is exact
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p, r * r, r) + 1f;
        return er * Float.intBitsToFloat((Float.floatToRawIntBits(t) + EXP_BIAS) << 23);
    }
}
