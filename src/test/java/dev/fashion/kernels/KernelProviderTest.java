package dev.fashion.kernels;

import dev.fashion.FashionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in both surefire executions (tag "fallback"): with the incubator module, where the vector kernels
 * must be chosen, and without it, where auto must fall back to scalar and say how to fix it.
 */
@Tag("fallback")
class KernelProviderTest {

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** CI sets fashion.test.requireKernels so a build cannot quietly pass on the scalar path. */
    @Test
    void autoChoosesTheRequiredKernels() {
        String required = System.getProperty("fashion.test.requireKernels");
        assumeTrue(required != null && !required.isBlank(), "fashion.test.requireKernels not set");
        KernelProvider.Choice choice = KernelProvider.choose("auto");
        assertEquals(required, choice.kernels().name(), () -> "auto chose " + choice.kernels().describe()
                + " because: " + choice.reason());
    }

    @Test
    void withoutTheModuleAutoFallsBackAndVectorFails() {
        assumeTrue(!vectorModulePresent(), "runs only without --add-modules jdk.incubator.vector");
        KernelProvider.Choice choice = KernelProvider.choose("auto");
        assertEquals("scalar", choice.kernels().name());
        assertTrue(choice.fellBack());
        assertTrue(choice.reason().contains("--add-modules"), choice.reason());
        FashionException e = assertThrows(FashionException.class, () -> KernelProvider.choose("vector"));
        assertTrue(e.getMessage().contains("--add-modules"), e.getMessage());
    }

    @Test
    void withTheModuleVectorIsChosenAndDescribed() {
        assumeTrue(vectorModulePresent(), "runs only with --add-modules jdk.incubator.vector");
        KernelProvider.Choice choice = KernelProvider.choose("vector");
        assertEquals("vector", choice.kernels().name());
        assertFalse(choice.fellBack());
        assertTrue(choice.kernels().describe().matches("vector \\(Vector API, \\d+-bit, \\d+ float lanes, tile \\dx\\d\\)"),
                choice.kernels().describe());
        assertFalse(choice.kernels().tuning().isEmpty(), "says why this width and tile");
    }

    @Test
    void scalarIsAlwaysAvailableAndBadModesAreRejected() {
        assertEquals("scalar", KernelProvider.choose("scalar").kernels().name());
        assertThrows(FashionException.class, () -> KernelProvider.choose("gpu"));
    }
}
