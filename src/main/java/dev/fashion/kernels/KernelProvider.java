package dev.fashion.kernels;

import dev.fashion.FashionException;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the kernel implementation once, at start-up. Checks run in order (incubator module present,
 * JIT able to compile vector code, usable vector width); each failure explains itself in
 * {@link Choice#reason()} and falls back to the scalar baseline. No Vector API class is touched here: the
 * vector implementation is loaded by name only after the module check passed, so this class loads
 * without {@code --add-modules jdk.incubator.vector}.
 */
public final class KernelProvider {

    /** The system property that forces a choice, like {@code --kernels}: auto, vector or scalar. */
    public static final String PROPERTY = "fashion.kernels";

    static final String VECTOR_CLASS = "dev.fashion.kernels.vector.VectorKernels";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CONV_CLASS = "dev.fashion.kernels.vector.VectorConvKernels";

    /** The kernels chosen, whether the vector path was wanted, and why this one was taken. */
    public record Choice(Kernels kernels, String reason, boolean fellBack) {
    }

    private KernelProvider() {
    }

    /** Parses a user's mode ("auto", "vector", "scalar"), naming the bad value otherwise. */
    public static String parseMode(String mode) {
        String m = mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("vector") && !m.equals("scalar")) {
            throw new FashionException("--kernels: expected auto, vector or scalar, got '" + mode + "'");
        }
        return m;
    }

    /** The default choice: the {@value #PROPERTY} system property if set, else auto. */
    public static Choice choose() {
        return choose(System.getProperty(PROPERTY, "auto"));
    }

    /**
     * Picks kernels for {@code mode}. "scalar" always works; "vector" fails with a clear message when
     * the Vector API cannot be used; "auto" takes vector when it can and says why when it cannot.
     */
    public static Choice choose(String mode) {
        String m = parseMode(mode);
        if (m.equals("scalar")) {
            return new Choice(new ScalarKernels(), "scalar kernels requested", false);
        }
        String problem = vectorProblem();
        if (problem == null) {
            try {
                Kernels vector = loadVector();
                return new Choice(vector, m.equals("vector") ? "vector kernels requested"
                        : "Vector API available (" + VECTOR_MODULE + ")", false);
            } catch (UnsupportedOperationException e) {
                problem = e.getMessage();
            }
        }
        if (m.equals("vector")) {
            throw new FashionException("--kernels vector: " + problem);
        }
        return new Choice(new ScalarKernels(), problem + "; using scalar kernels", true);
    }

    /**
     * The convolution kernels that go with {@code kernels}: vector with vector, scalar with scalar, so one
     * choice (and one {@code --kernels} flag) covers every layer.
     */
    public static ConvKernels convKernels(Kernels kernels) {
        if (!kernels.name().equals("vector")) return new ScalarConvKernels();
        try {
            return (ConvKernels) Class.forName(VECTOR_CONV_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load " + VECTOR_CONV_CLASS + " beside vector kernels: broken build?", e);
        }
    }

    /** Why the vector kernels cannot run here, or null when they can. */
    static String vectorProblem() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return "the Vector API module is not loaded (run java with --add-modules " + VECTOR_MODULE + ")";
        }
        String vmInfo = System.getProperty("java.vm.info", "");
        if (vmInfo.contains("interpreted mode")) {
            return "the JIT is off (-Xint), so vector code would run thousands of times slower";
        }
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String arg : args) {
            if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
                return "C2 is disabled (" + arg + "), so vector code would not be compiled well";
            }
        }
        return null;
    }

    private static Kernels loadVector() {
        try {
            return (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof UnsupportedOperationException u) throw u; // e.g. too narrow vectors
            throw new IllegalStateException("cannot create " + VECTOR_CLASS, e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            // The module is there but our class is not: a packaging bug, not a reason to fall back.
            throw new IllegalStateException("cannot load " + VECTOR_CLASS + " although "
                    + VECTOR_MODULE + " is present: broken build?", e);
        }
    }
}
