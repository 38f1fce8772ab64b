package dev.fashion.report;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PNG bar chart of ratios (vector over scalar, or run B over run A): one bar per kernel and shape, with
 * JMH's error as an error bar, coloured by kernel. Headless; sizes itself to the number of bars.
 */
public final class SpeedupChart {

    /** One bar: its colour group (the kernel), its label under the axis, the ratio and its error. */
    public record Bar(String group, String label, double value, double error) {
    }

    /** Ten colours that stay distinct side by side (XChart's defaults repeat similar yellows). */
    static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private SpeedupChart() {
    }

    public static void write(Path png, String title, String yTitle, List<Bar> bars) {
        List<String> categories = new ArrayList<>();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, List<Double>> errors = new LinkedHashMap<>();
        for (Bar b : bars) {
            categories.add(b.group() + "  " + b.label());
            values.putIfAbsent(b.group(), new ArrayList<>());
            errors.putIfAbsent(b.group(), new ArrayList<>());
        }
        // Every series spans all categories (XChart needs that) and is empty outside its own group.
        for (Bar b : bars) {
            for (String g : values.keySet()) {
                boolean mine = g.equals(b.group());
                values.get(g).add(mine ? b.value() : null);
                errors.get(g).add(mine && Double.isFinite(b.error()) ? b.error() : 0.0);
            }
        }
        int width = Math.max(900, 260 + 30 * bars.size());
        CategoryChart chart = new CategoryChartBuilder().width(width).height(760).title(title)
                .xAxisTitle("kernel and shape").yAxisTitle(yTitle).build();
        styleCommon(chart);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(90);
        // Every bar gets its label: the default spacing hint (74 px) would hide every other one.
        chart.getStyler().setXAxisTickMarkSpacingHint(16);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setYAxisMin(0.0);
        // Noisy runs have error bars many times the bar: cap the axis so the bars stay readable.
        double top = 0;
        for (Bar b : bars) {
            double e = Double.isFinite(b.error()) ? Math.min(b.error(), b.value()) : 0;
            top = Math.max(top, b.value() + e);
        }
        if (top > 0) chart.getStyler().setYAxisMax(top * 1.1);
        chart.getStyler().setYAxisDecimalPattern("0.#");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (String g : values.keySet()) {
            chart.addSeries(g, categories, values.get(g), errors.get(g));
        }
        save(chart, png);
    }

    /** Fonts large enough to read when the PNG is pasted into a discussion. */
    static void styleCommon(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setChartBackgroundColor(Color.WHITE);
        s.setSeriesColors(PALETTE);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            a.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        }
    }

    static void save(Chart<?, ?> chart, Path png) {
        Png.write(Png.render(chart), png);
    }
}
