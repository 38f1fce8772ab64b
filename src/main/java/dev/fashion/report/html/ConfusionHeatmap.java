package dev.fashion.report.html;

import dev.fashion.train.ClassificationReport;

import java.util.Locale;

import static dev.fashion.report.html.Html.c;
import static dev.fashion.report.html.Html.esc;

/**
 * The confusion matrix as an SVG heat map: rows the true class, columns the prediction, each cell shaded
 * by its share of the row (so a class's recall and where its errors go read the same way for every
 * class); the diagonal in blue, errors in red, the count written in every non-empty cell.
 */
final class ConfusionHeatmap {
    private static final int CELL = 38;
    private static final int LABELS = 118;
    private static final int TOP = 50;

    private ConfusionHeatmap() {
    }

    static String svg(ClassificationReport r) {
        int k = r.classes();
        int width = LABELS + k * CELL + 8;
        int height = TOP + k * CELL + 8;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart heatmap\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"confusion matrix\">");
        sb.append("<title>Confusion matrix: rows true class, columns predicted class</title>");
        sb.append("<text class=\"tick\" x=\"").append(LABELS).append("\" y=\"14\">predicted class →</text>");
        for (int p = 0; p < k; p++) {
            sb.append("<text class=\"tick\" text-anchor=\"middle\" x=\"").append(c(LABELS + p * CELL + CELL / 2.0))
                    .append("\" y=\"").append(TOP - 8).append("\"><title>").append(esc(r.classNames().get(p))).append("</title>")
                    .append(p).append("</text>");
        }
        for (int a = 0; a < k; a++) {
            long support = Math.max(1, r.support(a));
            int y = TOP + a * CELL;
            sb.append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(LABELS - 6).append("\" y=\"").append(c(y + CELL / 2.0 + 4))
                    .append("\">").append(esc(r.classNames().get(a))).append(' ').append(a).append("</text>");
            for (int p = 0; p < k; p++) {
                long n = r.confusion(a, p);
                double share = (double) n / support;
                // Errors are rarer than hits: a 20% confusion is already a strong colour.
                double strength = a == p ? share : Math.min(1, share * 5);
                String fill = n == 0 ? "#ffffff" : a == p ? mix(0xeaf1fb, 0x08519c, strength) : mix(0xfdecea, 0xb2182b, strength);
                int x = LABELS + p * CELL;
                sb.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(CELL)
                        .append("\" height=\"").append(CELL).append("\" fill=\"").append(fill).append("\" stroke=\"#ddd\">")
                        .append("<title>").append(esc(String.format(Locale.ROOT, "true %s, predicted %s: %d (%.1f%% of %s)",
                                r.classNames().get(a), r.classNames().get(p), n, 100 * share, r.classNames().get(a))))
                        .append("</title></rect>");
                if (n > 0) {
                    // A class, not a fill attribute: the page's CSS for svg text would win over the attribute.
                    sb.append("<text class=\"").append(strength > 0.55 ? "cell on-dark" : "cell").append("\" text-anchor=\"middle\" x=\"")
                            .append(c(x + CELL / 2.0)).append("\" y=\"").append(c(y + CELL / 2.0 + 4)).append("\">").append(n).append("</text>");
                }
            }
        }
        sb.append("</svg>");
        return sb.toString();
    }

    /** Linear blend of two RGB colours. */
    static String mix(int from, int to, double t) {
        t = Math.max(0, Math.min(1, t));
        int r = (int) Math.round(((from >> 16) & 0xff) * (1 - t) + ((to >> 16) & 0xff) * t);
        int g = (int) Math.round(((from >> 8) & 0xff) * (1 - t) + ((to >> 8) & 0xff) * t);
        int b = (int) Math.round((from & 0xff) * (1 - t) + (to & 0xff) * t);
        return String.format("#%02x%02x%02x", r, g, b);
    }
}
