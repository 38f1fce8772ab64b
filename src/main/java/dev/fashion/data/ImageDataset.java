package dev.fashion.data;

import dev.fashion.nn.Rng;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable set of labelled grayscale images: unsigned-byte pixels, row-major, one image after
 * another, and one label in {@code 0..numClasses-1} per image. {@link #subset} is a view sharing the
 * backing arrays, so splitting off a validation set copies nothing.
 */
public final class ImageDataset {

    public static final int NUM_CLASSES = 10;

    private final String name;
    private final int rows;
    private final int cols;
    private final int count;
    private final int start;
    private final byte[] pixels;
    private final byte[] labels;

    /**
     * Copies the arrays; {@code pixels} holds {@code count*rows*cols} bytes and {@code labels} {@code count}
     * values in {@code 0..9}.
     */
    public ImageDataset(String name, int count, int rows, int cols, byte[] pixels, byte[] labels) {
        this(name, count, rows, cols, pixels.clone(), labels.clone(), 0, true);
    }

    /** Takes ownership of the arrays (the loader's, which nobody else holds). */
    static ImageDataset wrap(String name, int count, int rows, int cols, byte[] pixels, byte[] labels) {
        return new ImageDataset(name, count, rows, cols, pixels, labels, 0, true);
    }

    private ImageDataset(String name, int count, int rows, int cols, byte[] pixels, byte[] labels, int start,
                         boolean check) {
        this.name = Objects.requireNonNull(name, "name");
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.start = start;
        if (check) {
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException("bad dimensions " + count + "x" + rows + "x" + cols);
            }
            if (pixels.length != (long) count * rows * cols || labels.length != count) {
                throw new IllegalArgumentException("expected " + count + "x" + rows + "x" + cols + " pixels and "
                        + count + " labels, got " + pixels.length + " and " + labels.length);
            }
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= NUM_CLASSES) {
                    throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is not in 0.."
                            + (NUM_CLASSES - 1));
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Pixels per image, the width of one row in {@link #fillBatch}'s output. */
    public int imageSize() {
        return rows * cols;
    }

    public int numClasses() {
        return NUM_CLASSES;
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[start + Objects.checkIndex(i, count)];
    }

    /** Pixel {@code p} (row-major, 0..imageSize-1) of image {@code i}, as 0..255. */
    public int pixel(int i, int p) {
        Objects.checkIndex(p, imageSize());
        return pixels[(start + Objects.checkIndex(i, count)) * imageSize() + p] & 0xff;
    }

    /** A copy of image {@code i}'s raw pixels. */
    public byte[] image(int i) {
        int from = (start + Objects.checkIndex(i, count)) * imageSize();
        return Arrays.copyOfRange(pixels, from, from + imageSize());
    }

    /** A copy of all labels, in order. */
    public byte[] labels() {
        return Arrays.copyOfRange(labels, start, start + count);
    }

    /** How many images carry each label. */
    public int[] classCounts() {
        int[] counts = new int[NUM_CLASSES];
        for (int i = 0; i < count; i++) {
            counts[labels[start + i]]++;
        }
        return counts;
    }

    /** Images {@code from .. from+count-1} as a dataset sharing this one's storage. */
    public ImageDataset subset(int from, int count) {
        Objects.checkFromIndexSize(from, count, this.count);
        return new ImageDataset(name + "[" + from + ".." + (from + count) + ")", count, rows, cols, pixels, labels,
                start + from, false);
    }

    /**
     * Writes images {@code indices[offset .. offset+count-1]} into {@code out}, one row of
     * {@link #imageSize()} floats each, normalised as {@code (p/255 - mean)/std} in float arithmetic (the
     * reference uses mean 0.5, std 0.5, giving -1..1).
     */
    public void fillBatch(int[] indices, int offset, int count, float[] out, float mean, float std) {
        fillRows(indices, offset, count, out, 0, count, mean, std);
    }

    /**
     * Rows {@code [from, to)} of what {@link #fillBatch} writes for the same arguments, so a batch can be
     * filled in parts on several threads.
     */
    public void fillRows(int[] indices, int offset, int count, float[] out, int from, int to, float mean, float std) {
        Objects.checkFromIndexSize(offset, count, indices.length);
        Objects.checkFromToIndex(from, to, count);
        int size = imageSize();
        if (out.length < (long) count * size) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, batch needs " + (long) count * size);
        }
        float[] table = pixelTable(mean, std);
        for (int k = from; k < to; k++) {
            int src = (start + Objects.checkIndex(indices[offset + k], this.count)) * size;
            int dst = k * size;
            for (int p = 0; p < size; p++) {
                out[dst + p] = table[pixels[src + p] & 0xff];
            }
        }
    }

    /**
     * As {@link #fillRows}, each image randomly shifted and flipped as recipes_pytorch.py's augmentation
     * does: padded by {@code shift} pixels of background (pixel 0, normalised as any other), cropped back
     * to its size at offsets dy, dx drawn uniformly from [0, 2·shift], then mirrored left-right with
     * probability {@code flip}. Row k's draws come from {@code Rng.hash(key, offset + k)}: a function of
     * the image's place in the epoch's order, so any split of the rows over threads draws the same.
     */
    public void fillRowsAugmented(int[] indices, int offset, int count, float[] out, int from, int to, float mean,
                                  float std, int shift, double flip, long key) {
        Objects.checkFromIndexSize(offset, count, indices.length);
        Objects.checkFromToIndex(from, to, count);
        int size = imageSize();
        if (out.length < (long) count * size) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, batch needs " + (long) count * size);
        }
        float[] table = pixelTable(mean, std);
        float background = table[0];
        int span = 2 * shift + 1;
        for (int k = from; k < to; k++) {
            int src = (start + Objects.checkIndex(indices[offset + k], this.count)) * size;
            int dst = k * size;
            long h = Rng.hash(key, offset + k);
            // Lemire's multiply-shift on two 32-bit halves: unbiased to 2^-32 for spans this small.
            int dy = (int) (((h >>> 32) * span) >>> 32) - shift;
            int dx = (int) (((h & 0xFFFFFFFFL) * span) >>> 32) - shift;
            boolean mirror = flip > 0 && ((Rng.hash(h, 1) >>> 40) * 0x1.0p-24) < flip;
            for (int y = 0; y < rows; y++) {
                int o = dst + y * cols;
                int sy = y + dy;
                if (sy < 0 || sy >= rows) {
                    Arrays.fill(out, o, o + cols, background);
                    continue;
                }
                int row = src + sy * cols;
                // Output column x reads source column x + dx (mirrored: cols-1-x + dx); the columns where
                // that is inside the image are one run [x0, x1), background either side: no test per pixel.
                int x0 = Math.min(cols, Math.max(0, mirror ? dx : -dx)), x1 = Math.max(x0, Math.min(cols, mirror ? cols + dx : cols - dx));
                Arrays.fill(out, o, o + x0, background);
                if (mirror) {
                    for (int x = x0, sx = row + cols - 1 - x0 + dx; x < x1; x++, sx--) out[o + x] = table[pixels[sx] & 0xff];
                } else {
                    for (int x = x0, sx = row + x0 + dx; x < x1; x++, sx++) out[o + x] = table[pixels[sx] & 0xff];
                }
                Arrays.fill(out, o + x1, o + cols, background);
            }
        }
    }

    /** The normalised value of each pixel byte: the same float operations as the formula, looked up. */
    private record PixelTable(float mean, float std, float[] values) {
    }

    /** The last table used; kept so a training step does not build (allocate) one per batch. */
    private volatile PixelTable pixelTable;

    private float[] pixelTable(float mean, float std) {
        PixelTable t = pixelTable;
        if (t == null || Float.floatToIntBits(t.mean) != Float.floatToIntBits(mean)
                || Float.floatToIntBits(t.std) != Float.floatToIntBits(std)) {
            float[] values = new float[256];
            for (int v = 0; v < 256; v++) values[v] = (v / 255f - mean) / std;
            pixelTable = t = new PixelTable(mean, std, values);
        }
        return t.values;
    }

    /** Writes the labels of images {@code indices[offset .. offset+count-1]} into {@code out[0..count-1]}. */
    public void fillLabels(int[] indices, int offset, int count, int[] out) {
        Objects.checkFromIndexSize(offset, count, indices.length);
        Objects.checkFromIndexSize(0, count, out.length);
        for (int k = 0; k < count; k++) {
            out[k] = labels[start + Objects.checkIndex(indices[offset + k], this.count)];
        }
    }

    @Override
    public String toString() {
        return name + " (" + count + " images of " + rows + "x" + cols + ")";
    }
}
