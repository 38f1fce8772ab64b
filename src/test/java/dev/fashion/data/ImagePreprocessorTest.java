package dev.fashion.data;

import dev.fashion.FashionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagePreprocessorTest {
    private static ImageDataset test;

    @BeforeAll
    static void load() {
        test = FashionMnist.load(FashionMnist.Split.TEST);
    }

    @Test
    void darkShapeOnWhiteBecomesLightCentredAndFitted() {
        // A 280x200 white picture with a dark 60x120 bar well off-centre.
        BufferedImage img = new BufferedImage(280, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 280, 200);
        g.setColor(new Color(20, 20, 20));
        g.fillRect(190, 30, 60, 120);
        g.dispose();

        byte[] px = ImagePreprocessor.preprocess(img);
        assertEquals(28 * 28, px.length);
        int x0 = 28, x1 = -1, y0 = 28, y1 = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if ((px[y * 28 + x] & 0xff) > 127) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        assertEquals(0, y0, "the longer side fills the frame");
        assertEquals(27, y1);
        assertEquals(14, x1 - x0 + 1, "aspect ratio kept: 60x120 -> 14x28");
        assertTrue(Math.abs(x0 - (27 - x1)) <= 1, "centred: left " + x0 + ", right " + (27 - x1));
        assertEquals(235, px[14 * 28 + 14] & 0xff, "the object is light (255 - 20)");
        assertEquals(0, px[0] & 0xff, "the background is dark");
        assertEquals(0, px[14 * 28 + 27] & 0xff);
    }

    @Test
    void aFashionMnistImageSavedAsPngComesBackByteForByte(@TempDir Path tmp) throws Exception {
        for (int i = 0; i < 50; i++) {
            Path f = tmp.resolve(i + ".png");
            ImageIO.write(ProductPhotos.gray(test, i), "png", f.toFile());
            assertArrayEquals(test.image(i), ImagePreprocessor.read(f), "image " + i);
        }
    }

    @Test
    void grayAsRgbIsTheSameImage() {
        BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 784; p++) {
            int v = test.pixel(3, p);
            rgb.setRGB(p % 28, p / 28, new Color(v, v, v).getRGB());
        }
        assertArrayEquals(test.image(3), ImagePreprocessor.preprocess(rgb));
    }

    @Test
    void aDarkOnLight28x28ImageIsOnlyInverted() {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] inverted = test.image(5);
        for (int p = 0; p < inverted.length; p++) inverted[p] = (byte) (255 - (inverted[p] & 0xff));
        img.getRaster().setDataElements(0, 0, 28, 28, inverted);
        assertArrayEquals(test.image(5), ImagePreprocessor.preprocess(img));
    }

    @Test
    void areaAveragingShrinksBlocksExactly() {
        float[] src = {1, 1, 3, 3, 5, 5};
        float[] dst = new float[3];
        ImagePreprocessor.resample(src, 0, 6, dst, 3);
        assertArrayEquals(new float[]{1, 3, 5}, dst);
        float[] third = new float[2];
        ImagePreprocessor.resample(new float[]{0, 3, 6}, 0, 3, third, 2);
        assertArrayEquals(new float[]{1, 5}, third, 1e-6f, "fractional footprints weigh partial pixels");
    }

    @Test
    void unreadableFilesAreOneLineErrorsNamingTheFile(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "not a picture");
        FashionException e = assertThrows(FashionException.class, () -> ImagePreprocessor.read(text));
        assertTrue(e.getMessage().startsWith(text.toString()) && e.getMessage().contains("not an image"), e.getMessage());

        Path truncated = tmp.resolve("cut.png");
        Path good = tmp.resolve("good.png");
        ImageIO.write(ProductPhotos.gray(test, 0), "png", good.toFile());
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(FashionException.class, () -> ImagePreprocessor.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());

        e = assertThrows(FashionException.class, () -> ImagePreprocessor.read(tmp.resolve("missing.png")));
        assertTrue(e.getMessage().contains("missing.png: file not found"), e.getMessage());
    }
}
