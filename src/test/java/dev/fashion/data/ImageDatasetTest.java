package dev.fashion.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
