package dev.fashion.bench;

import dev.fashion.FashionException;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.kernels.KernelProvider;
import dev.fashion.kernels.Kernels;

import java.nio.file.Path;
import java.util.SplittableRandom;

/** Shared set-up helpers: kernels by name, seeded data, shape strings. */
final class Inputs {
    private Inputs() {
    }

    /** "scalar" or "vector"; "vector" fails loudly rather than quietly measuring the fallback. */
    static Kernels kernels(String impl) {
        Kernels k = KernelProvider.choose(impl).kernels();
        if (!k.name().equals(impl)) throw new IllegalStateException("asked for " + impl + " kernels, got " + k.name());
        return k;
    }

    /** Standard normal values: about half negative, so ReLU's branchy variants cannot be predicted. */
    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Sum of 12 uniforms minus 6: close enough to a standard normal for benchmark inputs.
            double s = -6;
            for (int j = 0; j < 12; j++) s += r.nextDouble();
            x[i] = (float) s;
        }
        return x;
    }

    /** "64x784x256" -> {64, 784, 256}: the dimensions of a {@code @Param} shape, all positive. */
    static int[] dims(String shape, int count) {
        String[] parts = shape.split("x");
        if (parts.length != count) {
            throw new FashionException("shape '" + shape + "': expected " + count + " sizes separated by 'x'");
        }
        int[] d = new int[count];
        for (int i = 0; i < count; i++) {
            try {
                d[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                d[i] = -1;
            }
            if (d[i] < 1) throw new FashionException("shape '" + shape + "': '" + parts[i] + "' is not a positive size");
        }
        return d;
    }

    /**
     * The Fashion-MNIST training images: {@code -Dfashion.data=DIR} (pass it to the fork with
     * {@code -jvmArgsAppend}), else the bundled copy found from the working directory or the jar.
     */
    static ImageDataset trainImages() {
        String dir = System.getProperty("fashion.data");
        return dir == null ? FashionMnist.load(FashionMnist.Split.TRAIN)
                : FashionMnist.load(Path.of(dir), FashionMnist.Split.TRAIN);
    }
}
