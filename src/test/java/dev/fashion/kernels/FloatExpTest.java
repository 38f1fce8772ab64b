package dev.fashion.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatExpTest {

    /** Within 2 ulps of the true exp over the whole range the softmax family passes (x - max, log-probs). */
    @Test
    void isWithinTwoUlpsFromMinus87To88() {
        double worst = 0;
        float at = 0;
        for (int i = 0; i <= 2_000_000; i++) {
            float x = -87f + 175f * i / 2_000_000;
            double want = Math.exp(x);
            double ulps = Math.abs(FloatExp.exp(x) - want) / Math.ulp((float) want);
            if (ulps > worst) {
                worst = ulps;
                at = x;
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulps at x = " + at);
    }

    @Test
    void exactWhereItMattersAndClampedOutside() {
        assertEquals(1f, FloatExp.exp(0f));
        assertEquals(1f, FloatExp.exp(-0f));
        assertEquals((float) Math.E, FloatExp.exp(1f), Math.ulp((float) Math.E));
        // Below -87 it stays at about e^-87 (1.6e-38): nothing a row sum notices, never NaN or negative.
        float tiny = FloatExp.exp(-1000f);
        assertTrue(tiny > 0f && tiny < 2e-38f, "exp(-1000) = " + tiny);
        assertEquals(tiny, FloatExp.exp(Float.NEGATIVE_INFINITY));
        assertTrue(FloatExp.exp(100f) > 1e38f && Float.isFinite(FloatExp.exp(100f)), "clamped at 88");
    }

    @Test
    void isMonotonicAcrossTheReductionBoundaries() {
        // n = round(x / ln 2) switches every ln 2: the polynomial must meet itself there.
        for (int n = -120; n <= 120; n++) {
            float b = (float) ((n + 0.5) * Math.log(2));
            if (b < -87f || b > 88f) continue;
            float below = Math.nextDown(b), above = Math.nextUp(b);
            assertTrue(FloatExp.exp(below) <= FloatExp.exp(b) && FloatExp.exp(b) <= FloatExp.exp(above),
                    "not monotonic around " + b);
        }
    }
}
