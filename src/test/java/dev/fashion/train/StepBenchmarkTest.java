package dev.fashion.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StepBenchmarkTest {

    @Test
    void medianOfOddAndEvenCountsLeavesTheInputAlone() {
        double[] odd = {5, 1, 3};
        assertEquals(3, StepBenchmark.median(odd));
        assertArrayEquals(new double[] {5, 1, 3}, odd);
        assertEquals(2.5, StepBenchmark.median(new double[] {4, 1, 2, 3}));
        assertEquals(7, StepBenchmark.median(new double[] {7}));
    }
}
