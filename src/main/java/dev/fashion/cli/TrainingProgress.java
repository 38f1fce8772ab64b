package dev.fashion.cli;

import dev.fashion.train.EpochMetrics;
import dev.fashion.train.TrainingListener;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What train prints while it runs: on a terminal a live one-line bar per epoch (batches done, loss so
 * far, images/s, time left) redrawn in place, then the epoch's line; elsewhere (a CI log, a pipe) only
 * the epoch lines, so logs hold no carriage returns; nothing when quiet. Hand-written rather than a
 * library: it is one line of text, and progressbar 0.10.2 writes carriage returns even to a pipe.
 */
final class TrainingProgress implements TrainingListener {
    enum Mode { BAR, LINES, QUIET }

    /** Redraws at most this often: faster is invisible and costs a terminal write per batch. */
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 20;

    private final PrintStream out;
    private final Mode mode;
    private final int epochs;
    private long lastDraw;
    private int drawn;
    /** Show the learning rate (a schedule moves it); the rate of the step in progress. */
    private boolean showLr;
    private double lr = Double.NaN;

    TrainingProgress(PrintStream out, Mode mode, int epochs) {
        this.out = out;
        this.mode = mode;
        this.epochs = epochs;
    }

    /** Shows the learning rate in the bar and the epoch lines (for runs with a schedule). */
    void showLr(boolean show) {
        this.showLr = show;
    }

    @Override
    public void learningRate(double lr) {
        this.lr = lr;
    }

    static Mode mode(boolean quiet) {
        return quiet ? Mode.QUIET : isTerminal() ? Mode.BAR : Mode.LINES;
    }

    /**
     * Whether stdout is an interactive terminal. JDK 22 and later return a Console even when output is
     * redirected; their Console.isTerminal() (absent in 17, hence reflection) tells the two apart.
     */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 17-21: a Console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Override
    public void batch(int epoch, int done, int total, double meanLoss, long imagesSeen, double seconds) {
        if (mode != Mode.BAR) return;
        long now = System.nanoTime();
        if (done < total && done > 1 && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        String line = bar(epoch, epochs, done, total, meanLoss, imagesSeen, seconds);
        if (showLr && !Double.isNaN(lr)) line += String.format(Locale.ROOT, "  lr %.3g", lr);
        // Pad over a longer previous line instead of clearing, so the line never flickers.
        out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        out.flush();
        drawn = line.length();
    }

    @Override
    public void epoch(EpochMetrics metrics, int total) {
        if (mode == Mode.QUIET) return;
        if (mode == Mode.BAR && drawn > 0) out.print("\r" + " ".repeat(drawn) + "\r");
        drawn = 0;
        out.println(metrics.line(total, showLr));
    }

    static String bar(int epoch, int epochs, int done, int total, double meanLoss, long images, double seconds) {
        int filled = (int) ((long) BAR_WIDTH * done / total);
        String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
        double rate = seconds > 0 ? images / seconds : 0;
        long eta = done > 0 ? Math.round(seconds / done * (total - done)) : 0;
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d  loss %.4f  %,.0f images/s  ETA %d:%02d",
                epoch, epochs, bar, done, total, meanLoss, rate, eta / 60, eta % 60);
    }
}
