package dev.fashion.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fashion.train.EpochMetrics;
import dev.fashion.train.RunDirectory;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Loss, accuracy and throughput per epoch, train solid and test dashed, one colour per run: one run's
 * curves.png, or several runs overlaid to compare batch sizes or thread counts.
 */
public final class TrainingCurves {
    static final int PANEL_W = 520;
    static final int PANEL_H = 460;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private TrainingCurves() {
    }

    /** One run's epochs and the legend name it gets. */
    public record Run(String label, List<EpochMetrics> epochs) {
        /** A run directory: its name, plus batch size and threads from summary.json when present. */
        public static Run load(Path dir) {
            List<EpochMetrics> epochs = RunDirectory.readMetrics(dir);
            JsonNode summary = RunDirectory.readSummary(dir);
            Path name = dir.toAbsolutePath().normalize().getFileName();
            String label = name == null ? dir.toString() : name.toString();
            if (summary != null && summary.has("batch_size") && summary.has("threads")) {
                label += String.format(" (batch %d, %d thread%s)", summary.get("batch_size").asInt(),
                        summary.get("threads").asInt(), summary.get("threads").asInt() == 1 ? "" : "s");
            }
            return new Run(label, epochs);
        }
    }

    public static void write(Path file, List<Run> runs) {
        Png.write(render(runs), file);
    }

    static BufferedImage render(List<Run> runs) {
        int legendRows = runs.size() == 1 ? 1 : runs.size() * 2;
        int height = PANEL_H + 20 * legendRows;
        BufferedImage img = Png.canvas(3 * PANEL_W, height);
        Png.paint(panel("Loss", "mean loss", runs, EpochMetrics::trainLoss, EpochMetrics::testLoss, height), img, 0, 0);
        Png.paint(panel("Accuracy", "accuracy (%)", runs, m -> 100 * m.trainAccuracy(), m -> 100 * m.testAccuracy(), height),
                img, PANEL_W, 0);
        Png.paint(panel("Training throughput", "images/s", runs, EpochMetrics::imagesPerSecond, null, height),
                img, 2 * PANEL_W, 0);
        return img;
    }

    private static XYChart panel(String title, String yTitle, List<Run> runs, ToDoubleFunction<EpochMetrics> train,
                                 ToDoubleFunction<EpochMetrics> test, int height) {
        XYChart chart = new XYChartBuilder().width(PANEL_W).height(height).title(title)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        var s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setChartBackgroundColor(Color.WHITE);
        s.setChartTitleFont(Png.TITLE);
        s.setAxisTitleFont(Png.TEXT);
        s.setAxisTickLabelsFont(Png.TEXT);
        s.setLegendFont(Png.TEXT);
        s.setXAxisDecimalPattern("0");
        // Whole images per second; three decimals are plenty for losses and percentages.
        s.setYAxisDecimalPattern(test == null ? "#,##0" : "#,##0.###");
        s.setXAxisMin(1.0);
        int maxEpoch = 1;
        for (Run r : runs) maxEpoch = Math.max(maxEpoch, r.epochs().size());
        s.setXAxisMax((double) Math.max(2, maxEpoch));
        s.setXAxisMaxLabelCount(Math.min(maxEpoch, 12));
        boolean one = runs.size() == 1;
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            String prefix = one ? "" : uniqueLabel(runs, i) + " ";
            add(chart, prefix + "train", run, train, one ? COLORS[0] : COLORS[i % COLORS.length],
                    SeriesLines.SOLID);
            if (test != null) {
                add(chart, prefix + "test", run, test, one ? COLORS[1] : COLORS[i % COLORS.length], SeriesLines.DASH_DASH);
            }
        }
        return chart;
    }

    /** Series names must differ: two runs with the same directory name get their position appended. */
    private static String uniqueLabel(List<Run> runs, int i) {
        String label = runs.get(i).label();
        for (int j = 0; j < runs.size(); j++) if (j != i && runs.get(j).label().equals(label)) return label + " #" + (i + 1);
        return label;
    }

    private static void add(XYChart chart, String name, Run run, ToDoubleFunction<EpochMetrics> value, Color color,
                            BasicStroke line) {
        double[] x = new double[run.epochs().size()];
        double[] y = new double[x.length];
        for (int e = 0; e < x.length; e++) {
            x[e] = run.epochs().get(e).epoch();
            y[e] = value.applyAsDouble(run.epochs().get(e));
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineStyle(line);
    }
}
