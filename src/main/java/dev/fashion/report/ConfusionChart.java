package dev.fashion.report;

import dev.fashion.train.ClassificationReport;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The confusion matrix as a heatmap: counts in the cells, class names on both axes. */
public final class ConfusionChart {
    static final int WIDTH = 1000;
    static final int HEIGHT = 860;

    private ConfusionChart() {
    }

    public static void write(Path file, ClassificationReport report, String title) {
        Png.write(Png.render(chart(report, title)), file);
    }

    static HeatMapChart chart(ClassificationReport report, String title) {
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        var s = chart.getStyler();
        s.setShowValue(true);
        s.setValueFont(Png.TEXT.deriveFont(Font.BOLD));
        s.setHeatMapValueDecimalPattern("0");
        s.setAxisTickLabelsFont(Png.TEXT);
        s.setAxisTitleFont(Png.TITLE);
        s.setChartTitleFont(Png.TITLE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setXAxisLabelRotation(35);
        s.setLegendVisible(true);
        // Light to mid blue: the counts are printed in black and must stay readable on the darkest cell.
        s.setRangeColors(new Color[]{Color.WHITE, new Color(0xdeebf7), new Color(0x9ecae1), new Color(0x4292c6)});
        // The default spacing would label only every other class.
        s.setXAxisTickMarkSpacingHint(10);
        s.setYAxisTickMarkSpacingHint(10);
        s.setDecimalPattern("0");
        s.setMin(0);
        int k = report.classes();
        List<String> names = report.classNames();
        // Row 0 at the top, as the text matrix prints it: the chart's y axis grows upwards.
        List<String> xs = new ArrayList<>(names);
        List<String> ys = new ArrayList<>();
        for (int a = k - 1; a >= 0; a--) ys.add(names.get(a));
        List<Number[]> cells = new ArrayList<>();
        long max = 1;
        for (int p = 0; p < k; p++) {
            for (int a = 0; a < k; a++) {
                long v = report.confusion(a, p);
                max = Math.max(max, v);
                cells.add(new Number[]{p, k - 1 - a, v});
            }
        }
        s.setMax(max);
        chart.addSeries("count", xs, ys, cells);
        return chart;
    }
}
