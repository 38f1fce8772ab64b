package dev.fashion.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deterministic polynomial exp and log stay within a couple of ulps of Math's. */
class VectorMathTest {
    private static final VectorSpecies<Float> S = VectorShapes.FLOATS;

    private static float[] apply(boolean exp, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            (exp ? VectorMath.exp(v) : VectorMath.log(v)).intoArray(y, i);
        }
        return y;
    }

    private static float[] sweep(float from, float to, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = from + (to - from) * i / (n - 1);
        return x;
    }

    @Test
    void expIsAccurateOverTheFloatRange() {
        float[] x = sweep(-87f, 88f, 1 << 16);
        float[] y = apply(true, x);
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            assertTrue(Math.abs(y[i] - want) <= 3 * Math.ulp((float) want), "exp(" + x[i] + ") = " + y[i] + ", want " + want);
        }
    }

    @Test
    void expSaturates() {
        float[] x = new float[S.length()];
        x[0] = -100f;
        x[1] = 100f;
        x[2] = 0f;
        if (x.length > 3) x[3] = Float.NEGATIVE_INFINITY;
        float[] y = apply(true, x);
        assertEquals(0f, y[0]);
        assertEquals(Float.POSITIVE_INFINITY, y[1]);
        assertEquals(1f, y[2]);
        if (x.length > 3) assertEquals(0f, y[3]);
    }

    @Test
    void logIsAccurateForPositiveNormals() {
        float[] x = new float[1 << 16];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.pow(10, -30 + 60.0 * i / (x.length - 1));
        float[] y = apply(false, x);
        for (int i = 0; i < x.length; i++) {
            double want = Math.log(x[i]);
            assertTrue(Math.abs(y[i] - want) <= 3 * Math.ulp((float) want) + 1e-7, "log(" + x[i] + ") = " + y[i] + ", want " + want);
        }
        assertEquals(0f, apply(false, sweep(1f, 1f, S.length()))[0]);
    }
}
