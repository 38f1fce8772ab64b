package dev.fashion.nn;

import java.util.Arrays;

/**
 * The shape of one sample, without the batch dimension: {@code [C, H, W]} for images, {@code [F]} for
 * flat rows. Batched tensors are {@code [N, ...shape]}, row-major, one sample after another.
 */
public record Shape(int... dims) {

    public Shape {
        if (dims.length == 0) throw new IllegalArgumentException("a shape needs at least one dimension");
        dims = dims.clone();
        for (int d : dims) {
            if (d <= 0) throw new IllegalArgumentException("dimensions must be positive: " + Arrays.toString(dims));
        }
    }

    /** Elements per sample. */
    public int size() {
        long n = 1;
        for (int d : dims) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape too large: " + this);
        return (int) n;
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** As PyTorch prints a batched shape: {@code [N, 1, 28, 28]}. */
    public String batched() {
        return "[N, " + toString().substring(1);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
