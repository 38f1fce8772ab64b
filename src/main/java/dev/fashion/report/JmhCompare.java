package dev.fashion.report;

import dev.fashion.FashionException;
import dev.fashion.io.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two runs side by side (JDK 17 against 25, or before and after a change): for every benchmark and
 * parameter set in both, the ratio B / A of their rates with its error, as {@code compare.md} and
 * {@code compare.png}.
 */
public final class JmhCompare {
    public static final String MARKDOWN = "compare.md";
    public static final String PNG = "compare.png";

    private JmhCompare() {
    }

    public static List<Path> write(List<JmhResult> a, String nameA, List<JmhResult> b, String nameB, Path out) {
        Map<String, JmhResult> byKey = new LinkedHashMap<>();
        for (JmhResult r : a) byKey.put(key(r), r);
        StringBuilder md = new StringBuilder("# JMH comparison\n\n");
        md.append("A: ").append(nameA).append("; B: ").append(nameB)
                .append(". B / A above 1 means B is faster; ± combines both runs' JMH errors.\n\n")
                .append("| benchmark | parameters | unit | A | B | B / A |\n|---|---|---|--:|--:|--:|\n");
        List<SpeedupChart.Bar> bars = new ArrayList<>();
        int matched = 0;
        for (JmhResult rb : b) {
            JmhResult ra = byKey.remove(key(rb));
            if (ra == null) continue;
            matched++;
            BenchUnits.Rate x = BenchUnits.of(ra);
            BenchUnits.Rate y = BenchUnits.of(rb);
            double[] ratio = JmhReport.ratio(y, x);
            md.append("| ").append(rb.shortName()).append(" | ").append(rb.paramsLabel("")).append(" | ").append(y.unit())
                    .append(" | ").append(JmhReport.rateCell(x)).append(" | ").append(JmhReport.rateCell(y)).append(" | ")
                    .append(JmhReport.ratioCell(ratio)).append(" |\n");
            bars.add(new SpeedupChart.Bar(rb.shortName().replace("Bench.", " "), rb.paramsLabel(""), ratio[0], ratio[1]));
        }
        if (matched == 0) {
            throw new FashionException(nameB + " has no benchmark with the same parameters as in " + nameA);
        }
        int onlyB = b.size() - matched;
        if (!byKey.isEmpty() || onlyB > 0) {
            md.append("\nNot in both: ").append(byKey.size()).append(" only in A, ").append(onlyB).append(" only in B.\n");
        }
        Path mdFile = out.resolve(MARKDOWN);
        AtomicFiles.writeString(mdFile, md.toString());
        Path png = out.resolve(PNG);
        SpeedupChart.write(png, "B / A: " + nameB + " over " + nameA, "ratio B / A (×)", bars);
        return List.of(mdFile, png);
    }

    private static String key(JmhResult r) {
        return r.benchmark() + "|" + r.params();
    }
}
