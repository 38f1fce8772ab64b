package dev.fashion.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/** A grid of images with predicted and true class under each; wrong predictions framed in red. */
public final class ImageGrid {
    private static final int PIXEL = 4;
    private static final int CELL_W = 150;
    private static final int TEXT_H = 38;
    private static final int HEADER = 40;
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color WRONG = new Color(0xd62728);

    private ImageGrid() {
    }

    /** {@code images[i]} is a {@code side x side} image, light on dark. */
    public static void write(Path file, String title, List<byte[]> images, int side, int[] predicted, int[] truth,
                             List<String> classNames) {
        Png.write(render(title, images, side, predicted, truth, classNames), file);
    }

    static BufferedImage render(String title, List<byte[]> images, int side, int[] predicted, int[] truth,
                                List<String> names) {
        int n = images.size();
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int cellH = side * PIXEL + TEXT_H + 12;
        BufferedImage img = Png.canvas(Math.max(cols * CELL_W, 420), HEADER + rows * cellH);
        Graphics2D g = Png.graphics(img);
        int wrong = 0;
        for (int i = 0; i < n; i++) if (predicted[i] != truth[i]) wrong++;
        g.setColor(Color.BLACK);
        g.setFont(Png.TITLE);
        g.drawString(Texts.fit(g, String.format("%s: %d of %d right", title, n - wrong, n), img.getWidth() - 20), 10, 26);
        g.setFont(SMALL);
        for (int i = 0; i < n; i++) {
            int x = (i % cols) * CELL_W;
            int y = HEADER + (i / cols) * cellH;
            int ix = x + (CELL_W - side * PIXEL) / 2;
            Png.drawPixels(g, images.get(i), side, ix, y, PIXEL);
            boolean ok = predicted[i] == truth[i];
            if (!ok) {
                g.setColor(WRONG);
                g.setStroke(new BasicStroke(3));
                g.drawRect(ix - 2, y - 2, side * PIXEL + 3, side * PIXEL + 3);
            }
            g.setColor(ok ? Color.BLACK : WRONG);
            int ty = y + side * PIXEL + 16;
            g.drawString(Texts.fit(g, "pred: " + names.get(predicted[i]), CELL_W - 8), x + 6, ty);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Texts.fit(g, "true: " + names.get(truth[i]), CELL_W - 8), x + 6, ty + 16);
        }
        g.dispose();
        return img;
    }
}
