package dev.fashion.report;

import java.awt.Graphics2D;

/** Text that must fit its box: shortened with an ellipsis rather than clipped. */
final class Texts {
    private Texts() {
    }

    static String fit(Graphics2D g, String text, int width) {
        if (g.getFontMetrics().stringWidth(text) <= width) return text;
        String s = text;
        while (s.length() > 1 && g.getFontMetrics().stringWidth("…" + s) > width) s = s.substring(1);
        return "…" + s;
    }
}
