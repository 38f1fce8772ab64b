package dev.fashion.nn;

/**
 * A trainable tensor and its gradient, named as PyTorch names it in a state_dict ({@code fc1.weight}).
 * A linear weight is {@code [out, in]} row-major, as PyTorch stores it.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] data;
    private final float[] grad;

    public Parameter(String name, int... shape) {
        this.name = name;
        this.shape = shape.clone();
        long n = 1;
        for (int d : shape) n *= d;
        this.data = new float[Math.toIntExact(n)];
        this.grad = new float[data.length];
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return data.length;
    }

    public float[] data() {
        return data;
    }

    public float[] grad() {
        return grad;
    }
}
