package dev.fashion.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor, row-major, as stored in a safetensors file. The arrays are shared, not copied,
 * so large weights are not duplicated on save and load. Float tensors (F32 on disk) have {@code longs}
 * null; integer tensors (I64, such as batch norm's {@code num_batches_tracked}) keep their exact values in
 * {@code longs} and the same values, rounded, in {@code data}. A shape of {@code []} is a scalar: one value.
 */
public record NamedTensor(String name, int[] shape, float[] data, long[] longs) {

    /** A float tensor. */
    public NamedTensor(String name, int[] shape, float[] data) {
        this(name, shape, data, null);
    }

    /** An I64 tensor holding exactly {@code values}. */
    public static NamedTensor ofLongs(String name, int[] shape, long[] values) {
        float[] rounded = new float[values.length];
        for (int i = 0; i < values.length; i++) rounded[i] = values[i];
        return new NamedTensor(name, shape, rounded, values.clone());
    }

    /** "F32" or "I64", as the safetensors header spells it. */
    public String dtype() {
        return longs == null ? "F32" : "I64";
    }

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
        if (longs != null && longs.length != data.length) {
            throw new IllegalArgumentException(name + ": " + longs.length + " integer values for " + n + " elements");
        }
    }

    public int numel() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data) && Arrays.equals(longs, t.longs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data), Arrays.hashCode(longs));
    }

    /** Name and shape only; the data may be millions of values. */
    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (longs == null ? "" : " I64");
    }
}
