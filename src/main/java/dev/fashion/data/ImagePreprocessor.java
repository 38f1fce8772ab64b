package dev.fashion.data;

import dev.fashion.FashionException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;

/**
 * Turns a picture of any size and colour into a 28x28 image the way Fashion-MNIST itself was made:
 * grayscale, object light on a dark background (inverted when the border is light), trimmed to the
 * object's bounding box, the longer edge fitted to 28 keeping the aspect ratio, centred. An image that
 * is already 28x28 is only inverted if needed, never cropped or rescaled, so a Fashion-MNIST image
 * saved as PNG comes back byte for byte.
 */
public final class ImagePreprocessor {
    public static final int SIZE = 28;
    /** Fashion-MNIST trimmed edges within 5% of full intensity of the background colour. */
    static final int TRIM_THRESHOLD = 13;
    /** Larger images are refused before decoding (a 40-megapixel photo decodes to 160 MB). */
    static final long MAX_PIXELS = 40_000_000L;

    private ImagePreprocessor() {
    }

    /** Reads a PNG, JPEG, GIF or BMP file and preprocesses it; an unreadable file is a one-line error. */
    public static byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new FashionException(file + (Files.exists(file) ? ": not a regular file" : ": file not found"));
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new FashionException(file + ": not an image (expected PNG, JPEG, GIF or BMP)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The decoder allocates what the header declares: a few bytes can claim gigabytes.
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new FashionException(String.format("%s: %dx%d pixels, more than the limit of %,d", file,
                            reader.getWidth(0), reader.getHeight(0), MAX_PIXELS));
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO's decoders throw both for truncated or corrupt data.
            if (e instanceof FashionException f) throw f;
            throw new FashionException(file + ": cannot decode the image: " + e.getMessage(), e);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) throw new FashionException(file + ": the image is empty");
        return preprocess(image);
    }

    /** 28x28 unsigned bytes, row-major, as Fashion-MNIST stores them. */
    public static byte[] preprocess(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] gray = grayscale(image);
        if (borderMean(gray, w, h) > 127) {
            for (int i = 0; i < gray.length; i++) gray[i] = 255 - gray[i];
        }
        if (w == SIZE && h == SIZE) return toBytes(gray);
        return fit(gray, w, h);
    }

    /**
     * Gray levels 0..255; transparent pixels are composited over white (a cut-out product photo). Gray
     * images are read as stored: getRGB would pass them through a linear-to-sRGB conversion.
     */
    static int[] grayscale(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h];
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1
                && !(cm instanceof IndexColorModel)) {
            Raster r = image.getRaster();
            int[] v = r.getSamples(0, 0, w, h, 0, (int[]) null);
            int max = (1 << cm.getComponentSize(0)) - 1;
            int[] a = cm.hasAlpha() ? r.getSamples(0, 0, w, h, 1, (int[]) null) : null;
            int amax = cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 1;
            for (int i = 0; i < out.length; i++) {
                int g = max == 255 ? v[i] : (int) Math.round(v[i] * 255.0 / max);
                out[i] = a == null ? g : overWhite(g, a[i] / (double) amax);
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < out.length; i++) {
                int p = argb[i];
                // ITU-R 601 luma, as PIL's convert("L"); equal R, G, B give that value exactly.
                int g = (299 * ((p >> 16) & 0xff) + 587 * ((p >> 8) & 0xff) + 114 * (p & 0xff) + 500) / 1000;
                out[i] = overWhite(g, (p >>> 24) / 255.0);
            }
        }
        return out;
    }

    private static int overWhite(int g, double alpha) {
        return alpha >= 1 ? g : (int) Math.round(g * alpha + 255 * (1 - alpha));
    }

    /** Mean of the outermost ring of pixels: light means a light background. */
    static double borderMean(int[] g, int w, int h) {
        long sum = 0;
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x += (y == 0 || y == h - 1) ? 1 : Math.max(1, w - 1)) {
                sum += g[y * w + x];
                n++;
            }
        }
        return (double) sum / n;
    }

    /**
     * Crops to the pixels brighter than the background (the border's median) by more than the trim
     * threshold, subtracts the background, scales the longer edge to 28 and centres the result. An odd
     * margin puts the extra pixel left and top, as in the dataset.
     */
    static byte[] fit(int[] g, int w, int h) {
        int bg = borderMedian(g, w, h);
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (g[y * w + x] > bg + TRIM_THRESHOLD) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) { // nothing stands out: keep the whole picture
            x0 = 0;
            y0 = 0;
            x1 = w - 1;
            y1 = h - 1;
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;
        double scale = (double) SIZE / Math.max(bw, bh);
        int nw = Math.max(1, Math.min(SIZE, (int) Math.round(bw * scale)));
        int nh = Math.max(1, Math.min(SIZE, (int) Math.round(bh * scale)));

        float range = 255f - bg;
        float[] crop = new float[bw * bh];
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                crop[y * bw + x] = Math.max(0, g[(y0 + y) * w + x0 + x] - bg) * 255f / range;
            }
        }
        float[] rows = new float[bh * nw];
        float[] line = new float[Math.max(bw, bh)];
        float[] res = new float[SIZE];
        for (int y = 0; y < bh; y++) {
            resample(crop, y * bw, bw, res, nw);
            System.arraycopy(res, 0, rows, y * nw, nw);
        }
        byte[] out = new byte[SIZE * SIZE];
        int ox = (SIZE - nw + 1) / 2;
        int oy = (SIZE - nh + 1) / 2;
        for (int x = 0; x < nw; x++) {
            for (int y = 0; y < bh; y++) line[y] = rows[y * nw + x];
            resample(line, 0, bh, res, nh);
            for (int y = 0; y < nh; y++) {
                out[(oy + y) * SIZE + ox + x] = (byte) Math.round(Math.min(255f, Math.max(0f, res[y])));
            }
        }
        return out;
    }

    private static int borderMedian(int[] g, int w, int h) {
        int[] ring = new int[w == 1 || h == 1 ? w * h : 2 * (w + h) - 4];
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x += (y == 0 || y == h - 1) ? 1 : Math.max(1, w - 1)) ring[n++] = g[y * w + x];
        }
        Arrays.sort(ring, 0, n);
        return ring[n / 2];
    }

    /**
     * Resamples {@code n} values (from {@code off}) to {@code m}: shrinking
     * averages each output's exact footprint (area averaging, no aliasing); enlarging interpolates
     * linearly between pixel centres.
     */
    static void resample(float[] src, int off, int n, float[] dst, int m) {
        double step = (double) n / m;
        if (m <= n) {
            for (int k = 0; k < m; k++) {
                double a = k * step;
                double b = (k + 1) * step;
                double sum = 0;
                for (int i = (int) a; i < n && i < b; i++) {
                    double cover = Math.min(b, i + 1) - Math.max(a, i);
                    sum += cover * src[off + i];
                }
                dst[k] = (float) (sum / step);
            }
        } else {
            for (int k = 0; k < m; k++) {
                double x = Math.max(0, Math.min(n - 1, (k + 0.5) * step - 0.5));
                int i = (int) x;
                int j = Math.min(n - 1, i + 1);
                double t = x - i;
                dst[k] = (float) ((1 - t) * src[off + i] + t * src[off + j]);
            }
        }
    }

    private static byte[] toBytes(int[] g) {
        byte[] out = new byte[g.length];
        for (int i = 0; i < g.length; i++) out[i] = (byte) g[i];
        return out;
    }
}
