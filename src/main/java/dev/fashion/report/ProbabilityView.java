package dev.fashion.report;

import org.knowm.xchart.HorizontalBarChart;
import org.knowm.xchart.HorizontalBarChartBuilder;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tutorial's view_classify picture: the image as the network saw it on the left, a horizontal bar
 * chart of the class probabilities on the right, the true class (when known) marked in its own colour.
 */
public final class ProbabilityView {
    static final int WIDTH = 960;
    static final int HEIGHT = 420;
    private static final int PIXEL = 10;
    static final Color PREDICTED = new Color(0x3b75af);
    static final Color RIGHT = new Color(0x1a7f1a);

    private ProbabilityView() {
    }

    /**
     * @param pixels     the {@code side x side} input, 0..255 light on dark
     * @param trueLabel  the true class, or -1 when unknown (a user's photo)
     * @param caption    where the image came from, drawn above it
     */
    public static void write(Path file, byte[] pixels, int side, float[] probabilities, List<String> classNames,
                             int trueLabel, String caption) {
        Png.write(render(pixels, side, probabilities, classNames, trueLabel, caption), file);
    }

    static BufferedImage render(byte[] pixels, int side, float[] probs, List<String> names, int trueLabel, String caption) {
        BufferedImage img = Png.canvas(WIDTH, HEIGHT);
        int left = 20 + side * PIXEL + 20;
        Graphics2D g = Png.graphics(img);
        g.setColor(Color.BLACK);
        g.setFont(Png.TITLE);
        int top = 56;
        g.drawString(Texts.fit(g, caption, left - 30), 20, 30);
        Png.drawPixels(g, pixels, side, 20, top, PIXEL);
        int best = argmax(probs);
        g.setFont(Png.TEXT);
        int y = top + side * PIXEL + 24;
        g.drawString(Texts.fit(g, String.format("predicted: %s (%.1f%%)", names.get(best), 100 * probs[best]), left - 30), 20, y);
        if (trueLabel >= 0) {
            g.setColor(trueLabel == best ? RIGHT : Color.RED.darker());
            g.drawString(Texts.fit(g, "true: " + names.get(trueLabel) + (trueLabel == best ? "" : "  (wrong)"), left - 30), 20, y + 20);
        }
        g.dispose();
        Png.paint(chart(probs, names, trueLabel, WIDTH - left - 10, HEIGHT - 10), img, left, 5);
        return img;
    }

    private static HorizontalBarChart chart(float[] probs, List<String> names, int trueLabel, int width, int height) {
        HorizontalBarChart chart = new HorizontalBarChartBuilder().width(width).height(height)
                .title("Class probability").xAxisTitle("probability").yAxisTitle("").build();
        var s = chart.getStyler();
        s.setLegendVisible(false);
        s.setXAxisMin(0.0).setXAxisMax(1.0);
        s.setXAxisDecimalPattern("0.0");
        s.setAxisTickLabelsFont(Png.TEXT);
        s.setAxisTitleFont(Png.TEXT);
        s.setChartTitleFont(Png.TITLE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotGridHorizontalLinesVisible(false);
        // The default spacing would label only every other class.
        s.setXAxisTickMarkSpacingHint(10);
        s.setYAxisTickMarkSpacingHint(10);
        s.setSeriesColors(new Color[]{PREDICTED});
        // Top to bottom in class order: the chart draws the first category at the top. One series
        // (XChart groups several side by side), so the true class is marked in its name; the value is
        // there too, as bar labels of tiny bars overlap the axis.
        List<String> categories = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            categories.add(String.format(Locale.ROOT, "%s%s %5.1f%%", names.get(c), c == trueLabel ? " (true)" : "", 100 * probs[c]));
            values.add((double) probs[c]);
        }
        chart.addSeries("probability", values, categories);
        return chart;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
        return best;
    }
}
