package dev.fashion.train;

import dev.fashion.FashionException;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Rng;

import java.util.Arrays;

/**
 * Holds out {@code n} training images for validation, chosen by a shuffle from the seed (its own
 * generator, so the rest of the run draws as without a split). Both parts keep the images' original
 * order; the training part is what the epochs shuffle and train on.
 */
public record ValidationSplit(ImageDataset train, ImageDataset validation) {

    /** {@code where} names the setting in errors ("file:line:col: data.validation"). */
    public static ValidationSplit of(ImageDataset data, int n, long seed, String where) {
        if (n == 0) return new ValidationSplit(data, null);
        if (n >= data.count()) {
            throw new FashionException(where + ": a validation split of " + n + " images leaves none of the "
                    + data.count() + " training images to train on (expected fewer than " + data.count() + ")");
        }
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Rng.forPurpose(seed, "validation").shuffle(order);
        int[] held = Arrays.copyOf(order, n);
        int[] kept = Arrays.copyOfRange(order, n, order.length);
        Arrays.sort(held);
        Arrays.sort(kept);
        return new ValidationSplit(copy(data, kept, data.name() + " (training part)"),
                copy(data, held, data.name() + " (validation split)"));
    }

    private static ImageDataset copy(ImageDataset data, int[] indices, String name) {
        int size = data.imageSize();
        byte[] pixels = new byte[indices.length * size];
        byte[] labels = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data.image(indices[i]), 0, pixels, i * size, size);
            labels[i] = (byte) data.label(indices[i]);
        }
        return new ImageDataset(name, indices.length, data.rows(), data.cols(), pixels, labels);
    }
}
