package dev.fashion.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp and log built from lane-wise IEEE operations only (multiply, FMA, add, conversions, bit moves).
 * {@code lanewise(EXP)} and {@code lanewise(LOG)} are not used on purpose: their compiled form (SVML)
 * and their interpreted fallback ({@code Math.exp}) can differ in the last bit, so the same row would
 * get different results before and after the JIT compiles the kernel, and training would stop being
 * reproducible run to run. Basic operations round the same way in every tier.
 *
 * <p>The polynomials are Cephes' {@code expf} and {@code logf} (S. L. Moshier), about 1 ulp over the
 * float range. Small static methods: C2 inlines them, so no vector crosses a real call.
 */
final class VectorMath {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, in its low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final float EXP_HI = 88.3762626647949f;
    private static final float EXP_LO = -87.3365447504f;
    private static final float SQRT_HALF = 0.707106781186547524f;

    private VectorMath() {
    }

    /** e^x per lane; 0 below the smallest normal result, +Inf above the largest. */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.min(EXP_HI).max(EXP_LO);
        // n = round(x·log2 e), r = x - n·ln 2 in two parts for accuracy.
        FloatVector t = c.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(c.broadcast(-LN2_HI), c);
        r = n.fma(c.broadcast(-LN2_LO), r);
        FloatVector r2 = r.mul(r);
        FloatVector p = r.mul(1.9875691500E-4f).add(1.3981999507E-3f);
        p = p.mul(r).add(8.3334519073E-3f);
        p = p.mul(r).add(4.1665795894E-2f);
        p = p.mul(r).add(1.6666665459E-1f);
        p = p.mul(r).add(5.0000001201E-1f);
        p = p.mul(r2).add(r).add(1f);
        // 2^n from the integer in t's low mantissa bits: (n + 127) << 23.
        IntVector bits = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector result = p.mul(bits.reinterpretAsFloats());
        result = result.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
        return result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
    }

    /** ln x per lane, for positive normal x (softmax sums are at least 1). */
    static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        // x = m·2^e with m in [sqrt(1/2), sqrt(2)).
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        var big = m.compare(VectorOperators.GT, 2 * SQRT_HALF);
        m = m.blend(m.mul(0.5f), big);
        FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).blend(
                ((FloatVector) e.convert(VectorOperators.I2F, 0)).add(1f), big);
        FloatVector f = m.sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = f.mul(7.0376836292E-2f).add(-1.1514610310E-1f);
        p = p.mul(f).add(1.1676998740E-1f);
        p = p.mul(f).add(-1.2420140846E-1f);
        p = p.mul(f).add(1.4249322787E-1f);
        p = p.mul(f).add(-1.6668057665E-1f);
        p = p.mul(f).add(2.0000714765E-1f);
        p = p.mul(f).add(-2.4999993993E-1f);
        p = p.mul(f).add(3.3333331174E-1f);
        FloatVector y = p.mul(f).mul(z);
        y = ef.mul(LN2_LO).add(y);
        y = z.mul(-0.5f).add(y);
        return f.add(y).add(ef.mul(LN2_HI));
    }
}
