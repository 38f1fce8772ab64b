package dev.fashion.report.html;

import java.util.ArrayList;
import java.util.List;

import static dev.fashion.report.html.Html.c;
import static dev.fashion.report.html.Html.esc;

/**
 * An inline SVG line chart of several series over epochs: the report's overlaid training curves. Axes
 * get "nice" ticks (1, 2 or 5 times a power of ten); the legend is the page's, shared by all charts.
 */
final class LineChart {
    static final int WIDTH = 396;
    static final int HEIGHT = 260;
    private static final int LEFT = 56, RIGHT = 12, TOP = 28, BOTTOM = 38;

    record Series(String name, int index, double[] x, double[] y) {
    }

    private final String title;
    private final String xLabel;
    private final boolean percent;
    private final List<Series> series = new ArrayList<>();

    LineChart(String title, String xLabel, boolean percent) {
        this.title = title;
        this.xLabel = xLabel;
        this.percent = percent;
    }

    LineChart add(Series s) {
        if (s.x().length > 0) series.add(s);
        return this;
    }

    boolean isEmpty() {
        return series.isEmpty();
    }

    String svg() {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMin = Math.min(yMin, s.y()[i]);
                yMax = Math.max(yMax, s.y()[i]);
            }
        }
        if (!Double.isFinite(xMin)) { xMin = 0; xMax = 1; yMin = 0; yMax = 1; }
        if (xMax == xMin) { xMin -= 0.5; xMax += 0.5; }
        if (yMax == yMin) { yMin -= 0.01; yMax += 0.01; }
        double[] yTicks = ticks(yMin, yMax, 5);
        yMin = Math.min(yMin, yTicks[0]);
        yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
        double[] xTicks = xMax - xMin <= 12 ? integers(xMin, xMax) : ticks(xMin, xMax, 6);
        double pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
        final double x0 = xMin, x1 = xMax, y0 = yMin, y1 = yMax;
        java.util.function.DoubleUnaryOperator sx = v -> LEFT + (v - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator sy = v -> TOP + ph - (v - y0) / (y1 - y0) * ph;

        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">");
        sb.append("<title>").append(esc(title)).append("</title>");
        sb.append("<text class=\"ct\" x=\"").append(LEFT).append("\" y=\"17\">").append(esc(title)).append("</text>");
        for (double t : yTicks) {
            double y = sy.applyAsDouble(t);
            sb.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(c(LEFT + pw))
                    .append("\" y1=\"").append(c(y)).append("\" y2=\"").append(c(y)).append("\"/>");
            sb.append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(LEFT - 6).append("\" y=\"").append(c(y + 4))
                    .append("\">").append(label(t, yTicks)).append("</text>");
        }
        for (double t : xTicks) {
            double x = sx.applyAsDouble(t);
            sb.append("<line class=\"axis\" x1=\"").append(c(x)).append("\" x2=\"").append(c(x)).append("\" y1=\"")
                    .append(c(TOP + ph)).append("\" y2=\"").append(c(TOP + ph + 4)).append("\"/>");
            sb.append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(c(x)).append("\" y=\"").append(c(TOP + ph + 17))
                    .append("\">").append(Html.num(t, t == Math.rint(t) ? 0 : 1)).append("</text>");
        }
        sb.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(c(pw))
                .append("\" height=\"").append(c(ph)).append("\"/>");
        sb.append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(c(LEFT + pw / 2)).append("\" y=\"")
                .append(HEIGHT - 4).append("\">").append(esc(xLabel)).append("</text>");
        for (Series s : series) {
            String color = Palette.color(s.index());
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                pts.append(c(sx.applyAsDouble(s.x()[i]))).append(',').append(c(sy.applyAsDouble(s.y()[i]))).append(' ');
            }
            sb.append("<g><title>").append(esc(s.name())).append("</title>");
            sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\"");
            if (!Palette.dash(s.index()).isEmpty()) sb.append(" stroke-dasharray=\"").append(Palette.dash(s.index())).append('"');
            sb.append(" points=\"").append(pts.toString().trim()).append("\"/>");
            if (s.x().length <= 30) {
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.y()[i])) continue;
                    sb.append("<circle r=\"2.5\" fill=\"").append(color).append("\" cx=\"").append(c(sx.applyAsDouble(s.x()[i])))
                            .append("\" cy=\"").append(c(sy.applyAsDouble(s.y()[i]))).append("\"/>");
                }
            }
            sb.append("</g>");
        }
        sb.append("</svg>");
        return sb.toString();
    }

    private String label(double v, double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        if (percent) {
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step * 100) + 1e-9));
            return Html.num(100 * v, decimals) + "%";
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) + 1e-9));
        return Html.num(v, decimals);
    }

    /** About {@code n} ticks covering [lo, hi] at 1, 2 or 5 times a power of ten. */
    static double[] ticks(double lo, double hi, int n) {
        double raw = (hi - lo) / Math.max(1, n - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3 ? 2 * mag : raw / mag < 7 ? 5 * mag : 10 * mag;
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        int count = (int) Math.round((end - start) / step) + 1;
        double[] t = new double[count];
        for (int i = 0; i < count; i++) t[i] = start + i * step;
        return t;
    }

    private static double[] integers(double lo, double hi) {
        int a = (int) Math.ceil(lo), b = (int) Math.floor(hi);
        double[] t = new double[Math.max(0, b - a + 1)];
        for (int i = 0; i < t.length; i++) t[i] = a + i;
        return t;
    }
}
