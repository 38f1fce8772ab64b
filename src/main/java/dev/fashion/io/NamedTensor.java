package dev.fashion.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float tensor, row-major, as stored in a safetensors file. The arrays are shared, not copied,
 * so large weights are not duplicated on save and load.
 */
public record NamedTensor(String name, int[] shape, float[] data) {

    public NamedTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            }
            n = Math.min(n * d, Integer.MAX_VALUE + 1L); // clamped: no array is larger, and no overflow
        }
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has " + n
                    + " elements, data has " + data.length);
        }
    }

    public int numel() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** Name and shape only; the data may be millions of values. */
    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
