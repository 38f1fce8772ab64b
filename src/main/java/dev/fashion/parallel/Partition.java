package dev.fashion.parallel;

/**
 * Splits [0, total) into contiguous chunks whose inner boundaries fall on multiples of {@code align}
 * (a kernel's tile width), so vector tiles are not cut by a partition.
 */
public final class Partition {
    private Partition() {
    }

    /** How many parts to use for {@code total} items, at most {@code maxParts}, at least one item each. */
    public static int parts(int total, int align, int maxParts) {
        int blocks = (total + align - 1) / align;
        return Math.max(1, Math.min(maxParts, blocks));
    }

    /** Start of part {@code p} of {@code parts}. */
    public static int start(int total, int parts, int p, int align) {
        if (p <= 0) return 0;
        if (p >= parts) return total;
        int blocks = (total + align - 1) / align;
        long block = (long) blocks * p / parts;
        return (int) Math.min(total, block * align);
    }

    /** End (exclusive) of part {@code p} of {@code parts}. */
    public static int end(int total, int parts, int p, int align) {
        return start(total, parts, p + 1, align);
    }
}
