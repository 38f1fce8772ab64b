package dev.fashion.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GFLOP/s against matrix size for every matmul result, one series per implementation (scalar, vector,
 * and each peer library), log-log. Size is ∛(m·k·n): N for the N×N×N ladder, so the reference layer
 * shapes sit among the squares of the same work.
 */
public final class MatmulScalingChart {

    private MatmulScalingChart() {
    }

    /** Writes the chart; false (and no file) when there are no matmul results. */
    public static boolean write(Path png, List<JmhResult> results) {
        // scalar, vector, then the peers by name: the same colours in every report.
        Map<String, List<double[]>> series = new TreeMap<>(Comparator.comparing(
                (String name) -> name.equals("scalar") ? 0 : name.equals("vector") ? 1 : 2).thenComparing(name -> name));
        for (JmhResult r : results) {
            if (!BenchUnits.isMatmul(r)) continue;
            BenchUnits.Rate rate = BenchUnits.of(r);
            double size = BenchUnits.matrixSize(r);
            if (!rate.unit().equals("GFLOP/s") || !Double.isFinite(size)) continue;
            series.computeIfAbsent(implementation(r), k -> new ArrayList<>()).add(new double[]{size, rate.value()});
        }
        if (series.isEmpty()) return false;
        XYChart chart = new XYChartBuilder().width(1100).height(720)
                .title("Matmul throughput against size (one thread; every form and shape)")
                .xAxisTitle("matrix size  ∛(m·k·n)   (N for N×N×N)").yAxisTitle("GFLOP/s").build();
        SpeedupChart.styleCommon(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            List<double[]> points = e.getValue();
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i)[0];
                y[i] = points.get(i)[1];
            }
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        SpeedupChart.save(chart, png);
        return true;
    }

    /** "scalar", "vector", or the peer library; our own kernel in the peers run is the vector one. */
    static String implementation(JmhResult r) {
        String impl = r.param("impl");
        if (impl != null) return impl;
        String lib = r.param("lib");
        if (lib == null) return "?";
        return lib.equals("fashion") ? "vector" : lib;
    }
}
