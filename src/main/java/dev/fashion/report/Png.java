package dev.fashion.report;

import dev.fashion.FashionException;
import dev.fashion.io.AtomicFiles;
import org.knowm.xchart.internal.chartpart.Chart;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** Writes report images; every drawing here is off-screen, so AWT must not look for a display. */
final class Png {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    static {
        // A server or CI machine has no display; headless AWT still draws fonts and images.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private Png() {
    }

    static BufferedImage canvas(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /** Paints an XChart chart into a region of an image. */
    static void paint(Chart<?, ?> chart, BufferedImage img, int x, int y) {
        Graphics2D g = graphics(img);
        g.translate(x, y);
        chart.paint(g, chart.getWidth(), chart.getHeight());
        g.dispose();
    }

    /**
     * A 28x28 (or any) gray image as Fashion-MNIST shows it, light on dark, each pixel a
     * {@code scale}-sized square so the pixels stay visible.
     */
    static void drawPixels(Graphics2D g, byte[] pixels, int side, int x, int y, int scale) {
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int v = pixels[r * side + c] & 0xff;
                g.setColor(new Color(v, v, v));
                g.fillRect(x + c * scale, y + r * scale, scale, scale);
            }
        }
    }

    /** A chart on its own, at its own size. */
    static BufferedImage render(Chart<?, ?> chart) {
        BufferedImage img = canvas(chart.getWidth(), chart.getHeight());
        paint(chart, img, 0, 0);
        return img;
    }

    static void write(BufferedImage img, Path file) {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) throw new FashionException(file + ": no PNG writer in this JDK");
        });
    }
}
