package dev.fashion.nn;

/**
 * State a layer keeps that is not trained by gradients: batch norm's running mean and variance (floats)
 * and its count of batches seen (one integer, PyTorch's I64 {@code num_batches_tracked} of shape []).
 * Saved with the weights and in checkpoints under PyTorch's state_dict names; never touched by an
 * optimizer.
 */
public final class Buffer {
    private final String name;
    private final int[] shape;
    private final float[] data;
    private final long[] count;

    private Buffer(String name, int[] shape, float[] data, long[] count) {
        this.name = name;
        this.shape = shape;
        this.data = data;
        this.count = count;
    }

    /** A float buffer of this shape, zero-filled. */
    public static Buffer floats(String name, int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return new Buffer(name, shape.clone(), new float[Math.toIntExact(n)], null);
    }

    /** An integer scalar (shape []), zero. */
    public static Buffer counter(String name) {
        return new Buffer(name, new int[0], null, new long[1]);
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** True for an integer scalar (I64 on disk), false for floats (F32). */
    public boolean isCounter() {
        return count != null;
    }

    /** The float values; null for a counter. */
    public float[] data() {
        return data;
    }

    /** A counter's value. */
    public long count() {
        return count[0];
    }

    public void setCount(long value) {
        count[0] = value;
    }
}
