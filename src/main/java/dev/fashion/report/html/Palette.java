package dev.fashion.report.html;

/** Series colours (Tableau 10, readable on white and distinguishable in print); after ten, dashed lines. */
final class Palette {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    private Palette() {
    }

    static String color(int i) {
        return COLORS[i % COLORS.length];
    }

    /** No dash for the first ten series, then two dash patterns. */
    static String dash(int i) {
        int round = i / COLORS.length;
        return round == 0 ? "" : round == 1 ? "6 3" : "2 3";
    }
}
