package dev.fashion.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDatasetTest {

    private static ImageDataset sample() {
        // 3 images of 1x2: {0,255}, {51,102}, {128,1}
        return new ImageDataset("s", 3, 1, 2, new byte[] {0, (byte) 255, 51, 102, (byte) 128, 1}, new byte[] {7, 8, 9});
    }

    @Test
    void fillBatchNormalisesInFloatArithmetic() {
        ImageDataset d = sample();
        float[] out = new float[2 * 2 + 1];
        out[4] = 42f;
        d.fillBatch(new int[] {5, 2, 0}, 1, 2, out, 0.5f, 0.5f);
        assertEquals((128 / 255f - 0.5f) / 0.5f, out[0]);
        assertEquals((1 / 255f - 0.5f) / 0.5f, out[1]);
        assertEquals(-1f, out[2]);
        assertEquals(1f, out[3]);
        assertEquals(42f, out[4], "only count rows are written");

        int[] labels = new int[2];
        d.fillLabels(new int[] {5, 2, 0}, 1, 2, labels);
        assertArrayEquals(new int[] {9, 7}, labels);
    }

    @Test
    void rowsFilledInPartsEqualTheWholeBatch() {
        ImageDataset d = sample();
        int[] order = {2, 0, 1, 2, 1};
        float[] whole = new float[4 * 2], parts = new float[4 * 2];
        d.fillBatch(order, 1, 4, whole, 0.5f, 0.5f);
        d.fillRows(order, 1, 4, parts, 2, 4, 0.5f, 0.5f);
        d.fillRows(order, 1, 4, parts, 0, 1, 0.5f, 0.5f);
        assertEquals(0f, parts[2], "row 1 is not in either part");
        d.fillRows(order, 1, 4, parts, 1, 2, 0.5f, 0.5f);
        assertArrayEquals(whole, parts);
        assertThrows(IndexOutOfBoundsException.class, () -> d.fillRows(order, 1, 4, parts, 3, 5, 0f, 1f));
    }

    @Test
    void subsetIsAView() {
        ImageDataset s = sample().subset(1, 2);
        assertEquals(2, s.count());
        assertEquals(8, s.label(0));
        assertEquals(102, s.pixel(0, 1));
        assertArrayEquals(new byte[] {(byte) 128, 1}, s.image(1));
        assertArrayEquals(new byte[] {8, 9}, s.labels());
        float[] out = new float[2];
        s.fillBatch(new int[] {1}, 0, 1, out, 0f, 1f);
        assertEquals(128 / 255f, out[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> s.label(2));
        assertThrows(IndexOutOfBoundsException.class, () -> sample().subset(2, 2));
    }

    @Test
    void constructorCopiesAndValidates() {
        byte[] px = {1, 2};
        ImageDataset d = new ImageDataset("c", 1, 1, 2, px, new byte[] {3});
        px[0] = 99;
        assertEquals(1, d.pixel(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset("c", 1, 1, 2, px, new byte[] {10}));
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset("c", 2, 1, 2, px, new byte[] {1, 2}));
    }

    /** 200 random 6x5 images (odd width: the mirror has a middle column). */
    private static ImageDataset randomImages() {
        java.util.Random r = new java.util.Random(5);
        byte[] px = new byte[200 * 30];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (1 + r.nextInt(255)); // never the background 0
        return new ImageDataset("r", 200, 6, 5, px, new byte[200]);
    }

    /**
     * Every augmented image is recipes_pytorch.py's transform of its source for some draw: padded by
     * `shift` pixels of background, cropped at (dy, dx) in [0, 2·shift]², mirrored or not; and over 200
     * images every offset and both mirror states occur.
     */
    @Test
    void augmentationIsPadCropAndFlip() {
        ImageDataset d = randomImages();
        int n = 200, size = 30, shift = 2;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = (i * 7) % n;
        float[] out = new float[n * size];
        d.fillRowsAugmented(order, 0, n, out, 0, n, 0.5f, 0.5f, shift, 0.5, 1234L);
        float background = (0 / 255f - 0.5f) / 0.5f;
        java.util.Set<String> draws = new java.util.HashSet<>();
        for (int k = 0; k < n; k++) {
            String found = null;
            for (int cy = 0; cy <= 2 * shift && found == null; cy++) {
                for (int cx = 0; cx <= 2 * shift && found == null; cx++) {
                    for (boolean mirror : new boolean[] {false, true}) {
                        boolean same = true;
                        for (int y = 0; y < 6 && same; y++) {
                            for (int x = 0; x < 5 && same; x++) {
                                int xx = mirror ? 4 - x : x; // the flip comes after the crop
                                int sy = y + cy - shift, sx = xx + cx - shift; // padded[y + cy][xx + cx]
                                float want = sy < 0 || sy >= 6 || sx < 0 || sx >= 5 ? background
                                        : (d.pixel(order[k], sy * 5 + sx) / 255f - 0.5f) / 0.5f;
                                same = out[k * size + y * 5 + x] == want;
                            }
                        }
                        if (same) {
                            found = cy + "," + cx + "," + mirror;
                            break;
                        }
                    }
                }
            }
            assertTrue(found != null, "image " + k + " is no pad-crop-flip of its source");
            draws.add(found);
        }
        assertEquals(25 * 2, draws.size(), "every offset and flip occurs: " + draws);

        // Rows in any split over threads draw the same; another key draws differently.
        float[] parts = new float[n * size];
        d.fillRowsAugmented(order, 0, n, parts, 130, n, 0.5f, 0.5f, shift, 0.5, 1234L);
        d.fillRowsAugmented(order, 0, n, parts, 0, 130, 0.5f, 0.5f, shift, 0.5, 1234L);
        assertArrayEquals(out, parts);
        d.fillRowsAugmented(order, 0, n, parts, 0, n, 0.5f, 0.5f, shift, 0.5, 1235L);
        assertFalse(java.util.Arrays.equals(out, parts));
    }

    /** No shift and no flip is the plain fill; flip 1 mirrors every image. */
    @Test
    void augmentationEdgeCases() {
        ImageDataset d = randomImages();
        int[] order = {3, 1, 4, 1, 5};
        float[] plain = new float[5 * 30], aug = new float[5 * 30];
        d.fillBatch(order, 0, 5, plain, 0.2860f, 0.3530f);
        d.fillRowsAugmented(order, 0, 5, aug, 0, 5, 0.2860f, 0.3530f, 0, 0, 99L);
        assertArrayEquals(plain, aug);
        d.fillRowsAugmented(order, 0, 5, aug, 0, 5, 0.2860f, 0.3530f, 0, 1, 99L);
        for (int k = 0; k < 5; k++) {
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 5; x++) assertEquals(plain[k * 30 + y * 5 + 4 - x], aug[k * 30 + y * 5 + x]);
            }
        }
    }
}
