package dev.fashion.report;

import dev.fashion.io.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders JMH results as {@code report.md} (vector against scalar with JMH's errors and allocation per
 * op, our matmul ranked against the peer libraries, everything else), {@code speedup.png} and
 * {@code matmul-gflops.png}.
 */
public final class JmhReport {
    public static final String MARKDOWN = "report.md";
    public static final String SPEEDUP_PNG = "speedup.png";
    public static final String GFLOPS_PNG = "matmul-gflops.png";
    static final String OURS = "fashion";

    private JmhReport() {
    }

    /** Writes the report files into {@code out} and returns their paths. */
    public static List<Path> write(List<JmhResult> results, List<String> sources, Path out) {
        List<Path> written = new ArrayList<>();
        Path md = out.resolve(MARKDOWN);
        AtomicFiles.writeString(md, markdown(results, sources));
        written.add(md);
        List<SpeedupChart.Bar> bars = new ArrayList<>();
        for (Pair p : pairs(results)) {
            if (p.scalar != null && p.vector != null) {
                double[] s = ratio(BenchUnits.of(p.vector), BenchUnits.of(p.scalar));
                bars.add(new SpeedupChart.Bar(p.vector.shortName().replace("Bench.", " "), p.label, s[0], s[1]));
            }
        }
        if (!bars.isEmpty()) {
            Path png = out.resolve(SPEEDUP_PNG);
            SpeedupChart.write(png, "Vector API over scalar (higher is better; 1 = no gain)",
                    "speedup, vector / scalar (×)", bars);
            written.add(png);
        }
        Path gflops = out.resolve(GFLOPS_PNG);
        if (MatmulScalingChart.write(gflops, results)) written.add(gflops);
        return written;
    }

    public static String markdown(List<JmhResult> results, List<String> sources) {
        StringBuilder md = new StringBuilder("# JMH results\n\n");
        md.append("From ").append(String.join(", ", sources)).append(" (").append(jvms(results)).append("). ")
                .append("± is JMH's error (99.9% confidence half-width); a speedup's error combines both sides'. ")
                .append("Units: see jmh/README.md. ").append(SPEEDUP_PNG)
                .append(" caps its axis near the tallest bar, so very wide error bars are cut.\n");

        List<Pair> pairs = pairs(results);
        if (!pairs.isEmpty()) {
            boolean gc = results.stream().anyMatch(r -> !Double.isNaN(r.allocBytesPerOp()));
            md.append("\n## Vector over scalar\n\n| benchmark | shape | unit | scalar | vector | speedup |")
                    .append(gc ? " B/op (scalar / vector) |" : "").append("\n|---|---|---|--:|--:|--:|")
                    .append(gc ? "--:|" : "").append('\n');
            for (Pair p : pairs) {
                JmhResult any = p.scalar != null ? p.scalar : p.vector;
                BenchUnits.Rate s = p.scalar == null ? null : BenchUnits.of(p.scalar);
                BenchUnits.Rate v = p.vector == null ? null : BenchUnits.of(p.vector);
                String speedup = s == null || v == null ? "—" : ratioCell(ratio(v, s));
                md.append("| ").append(any.shortName()).append(" | ").append(p.label).append(" | ")
                        .append((s != null ? s : v).unit()).append(" | ").append(rateCell(s)).append(" | ")
                        .append(rateCell(v)).append(" | ").append(speedup).append(" |");
                if (gc) md.append(' ').append(bytes(p.scalar)).append(" / ").append(bytes(p.vector)).append(" |");
                md.append('\n');
            }
        }
        peers(results, md);

        List<JmhResult> others = results.stream().filter(r -> r.param("impl") == null && r.param("lib") == null).toList();
        if (!others.isEmpty()) {
            md.append("\n## Other results\n\n| benchmark | parameters | score | unit |\n|---|---|--:|---|\n");
            for (JmhResult r : others) {
                BenchUnits.Rate rate = BenchUnits.of(r);
                md.append("| ").append(r.shortName()).append(" | ").append(r.paramsLabel("")).append(" | ")
                        .append(rateCell(rate)).append(" | ").append(rate.unit()).append(" |\n");
            }
        }
        return md.toString();
    }

    /** Our matmul ranked against the peer libraries, per form and reference shape. */
    private static void peers(List<JmhResult> results, StringBuilder md) {
        Map<String, List<JmhResult>> groups = new LinkedHashMap<>();
        for (JmhResult r : results) {
            if (r.param("lib") != null) groups.computeIfAbsent(r.shortName() + "|" + r.paramsLabel("lib"), k -> new ArrayList<>()).add(r);
        }
        if (groups.isEmpty()) return;
        md.append("\n## Matmul against peer libraries (GFLOP/s, one thread, best first)\n\n")
                .append("| form | shape | ranking | ours |\n|---|---|---|---|\n");
        List<String> wins = new ArrayList<>();
        List<String> losses = new ArrayList<>();
        for (List<JmhResult> g : groups.values()) {
            g.sort(Comparator.comparingDouble(JmhResult::score).reversed());
            StringBuilder ranking = new StringBuilder();
            int ours = -1;
            for (int i = 0; i < g.size(); i++) {
                JmhResult r = g.get(i);
                if (r.param("lib").equals(OURS)) ours = i;
                if (i > 0) ranking.append(" · ");
                String name = r.param("lib").equals(OURS) ? "**" + OURS + "**" : r.param("lib");
                ranking.append(i + 1).append(". ").append(name).append(' ').append(num(BenchUnits.of(r).value()));
            }
            JmhResult first = g.get(0);
            String where = first.method() + " " + first.paramsLabel("lib");
            String oursCell = ours < 0 ? "—" : ours == 0 ? "1st" : (ours + 1) + " of " + g.size();
            md.append("| ").append(first.method()).append(" | ").append(first.paramsLabel("lib")).append(" | ")
                    .append(ranking).append(" | ").append(oursCell).append(" |\n");
            if (ours == 0) {
                wins.add(where);
            } else if (ours > 0) {
                double gap = g.get(0).score() / g.get(ours).score();
                losses.add(where + " (" + first.param("lib") + " " + String.format(Locale.ROOT, "%.1f", gap) + "× faster)");
            }
        }
        md.append("\nOurs is fastest at ").append(wins.size()).append(" of ").append(wins.size() + losses.size())
                .append(wins.isEmpty() ? "." : ": " + String.join(", ", wins) + ".");
        if (!losses.isEmpty()) md.append(" Behind at: ").append(String.join("; ", losses)).append('.');
        md.append('\n');
    }

    /** Results that differ only in their {@code impl} parameter, in first-seen order. */
    static List<Pair> pairs(List<JmhResult> results) {
        Map<String, Pair> byKey = new LinkedHashMap<>();
        for (JmhResult r : results) {
            String impl = r.param("impl");
            if (impl == null) continue;
            Pair p = byKey.computeIfAbsent(r.shortName() + "|" + r.paramsLabel("impl"), k -> new Pair(r.paramsLabel("impl")));
            if (impl.equals("scalar")) p.scalar = r;
            else if (impl.equals("vector")) p.vector = r;
        }
        return new ArrayList<>(byKey.values());
    }

    static final class Pair {
        final String label;
        JmhResult scalar;
        JmhResult vector;

        Pair(String label) {
            this.label = label;
        }
    }

    /** a / b with its error, the relative errors added in quadrature (NaN when either error is unknown). */
    static double[] ratio(BenchUnits.Rate a, BenchUnits.Rate b) {
        double r = a.value() / b.value();
        double rel = Math.hypot(a.error() / a.value(), b.error() / b.value());
        return new double[]{r, r * rel};
    }

    static String ratioCell(double[] r) {
        return String.format(Locale.ROOT, "%.2f×", r[0]) + (Double.isFinite(r[1]) ? String.format(Locale.ROOT, " ± %.2f", r[1]) : "");
    }

    static String rateCell(BenchUnits.Rate r) {
        if (r == null) return "—";
        int d = decimals(r.value());
        return num(r.value()) + (Double.isFinite(r.error()) ? " ± " + fixed(r.error(), d) : "");
    }

    /** About three significant figures, with thousands separators for big rates. */
    static String num(double v) {
        return Double.isFinite(v) ? fixed(v, decimals(v)) : String.valueOf(v);
    }

    private static int decimals(double v) {
        double a = Math.abs(v);
        if (a >= 100 || a == 0 || !Double.isFinite(a)) return 0;
        return Math.min(9, 2 - (int) Math.floor(Math.log10(a)));
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String bytes(JmhResult r) {
        return r == null || Double.isNaN(r.allocBytesPerOp()) ? "—" : String.format(Locale.ROOT, "%.0f", r.allocBytesPerOp());
    }

    private static String jvms(List<JmhResult> results) {
        return String.join("; ", results.stream().map(JmhResult::jvm).filter(s -> !s.isEmpty()).distinct().toList());
    }
}
