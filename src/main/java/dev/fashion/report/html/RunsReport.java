package dev.fashion.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fashion.io.AtomicFiles;
import dev.fashion.report.JmhResult;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import static dev.fashion.report.html.Html.c;
import static dev.fashion.report.html.Html.esc;
import static dev.fashion.report.html.Html.num;
import static dev.fashion.report.html.Html.pct;

/**
 * The {@code report runs} page: one self-contained HTML file (inline CSS and SVG, images as PNG data
 * URIs, no script, a Content-Security-Policy that forbids any fetch), so it opens offline, mails as one
 * attachment and prints. Sections: the runs table with the settings they differ in, overlaid training
 * curves, one run's confusion matrix, per-class scores and most confidently wrong images, bench results
 * and JMH tables when the run directories hold them.
 */
public final class RunsReport {
    /** Config keys every run has but that only say where things are, not how the run differs. */
    private static final Set<String> NOT_SETTINGS = Set.of("data.dir");

    private final List<RunData> runs;
    private final Analysis analysis;
    private final String title;

    public RunsReport(List<RunData> runs, Analysis analysis, String title) {
        this.runs = runs;
        this.analysis = analysis;
        this.title = title;
    }

    public void write(Path file) {
        AtomicFiles.writeString(file, html());
    }

    /** The field runs are ranked by: validation accuracy when every finished run has it, else test accuracy. */
    public static String rankField(List<RunData> runs) {
        List<RunData> done = runs.stream().filter(RunData::finished).toList();
        return !done.isEmpty() && done.stream().allMatch(r -> !Double.isNaN(r.number("validation_accuracy")))
                ? "validation_accuracy" : "test_accuracy";
    }

    /** The best finished training run by {@link #rankField}, or null. */
    public static RunData best(List<RunData> runs) {
        String field = rankField(runs);
        return runs.stream().filter(r -> r.finished() && !Double.isNaN(r.number(field)))
                .max(Comparator.comparingDouble(r -> r.number(field))).orElse(null);
    }

    public String html() {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // Nothing may be fetched: no scripts, fonts, images or styles from anywhere but this file.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        List<RunData> trained = runs.stream().filter(RunData::trained).toList();
        List<RunData> benched = runs.stream().filter(r -> r.bench() != null).toList();
        List<RunData> withJmh = runs.stream().filter(r -> !r.jmh().isEmpty()).toList();
        header(sb, trained, benched);
        if (!trained.isEmpty()) {
            runsTable(sb, trained);
            curves(sb, trained);
        }
        if (analysis != null) detail(sb);
        if (!benched.isEmpty()) bench(sb, benched);
        if (!withJmh.isEmpty()) jmh(sb, withJmh);
        sb.append("<footer>Written by <code>fashion report runs</code> on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(". Times and images/s count the training passes; compare them between runs on the same CPU.</footer>\n");
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private void header(StringBuilder sb, List<RunData> trained, List<RunData> benched) {
        sb.append("<header><h1>").append(esc(title)).append("</h1><p class=\"meta\">");
        List<String> parts = new ArrayList<>();
        if (!trained.isEmpty()) parts.add(trained.size() + " training run" + (trained.size() == 1 ? "" : "s"));
        if (!benched.isEmpty()) parts.add(benched.size() + " bench run" + (benched.size() == 1 ? "" : "s"));
        Set<String> cpus = distinct(r -> r.text("cpu"));
        Set<String> jdks = distinct(r -> r.text("jdk"));
        if (!cpus.isEmpty()) parts.add("CPU " + String.join(", ", cpus));
        if (!jdks.isEmpty()) parts.add("JDK " + String.join(", ", jdks));
        sb.append(esc(String.join(" · ", parts))).append("</p>");
        RunData best = best(runs);
        if (best != null) {
            String field = rankField(runs);
            sb.append("<p class=\"best\">Best: <strong>").append(esc(best.name())).append("</strong>, ")
                    .append(field.equals("validation_accuracy") ? "validation" : "test").append(" accuracy ")
                    .append(pct(best.number(field))).append("</p>");
        }
        sb.append("<nav>");
        if (!trained.isEmpty()) sb.append("<a href=\"#runs\">Runs</a><a href=\"#curves\">Training curves</a>");
        if (analysis != null) sb.append("<a href=\"#detail\">").append(esc(analysis.run())).append("</a>");
        if (!benched.isEmpty()) sb.append("<a href=\"#bench\">Bench</a>");
        if (runs.stream().anyMatch(r -> !r.jmh().isEmpty())) sb.append("<a href=\"#jmh\">JMH</a>");
        sb.append("</nav></header>\n");
    }

    private Set<String> distinct(Function<RunData, String> f) {
        Set<String> s = new LinkedHashSet<>();
        for (RunData r : runs) {
            String v = f.apply(r);
            if (v != null) s.add(v);
        }
        return s;
    }

    /**
     * Config keys whose values are not the same in every run (a key missing from one run differs too).
     * Differences anywhere in the model are one column, {@code model}, holding its compact description.
     */
    static List<String> differingSettings(List<RunData> runs) {
        Set<String> keys = new LinkedHashSet<>();
        for (RunData r : runs) keys.addAll(r.config().keySet());
        List<String> out = new ArrayList<>();
        if (runs.size() < 2) return out;
        for (String k : keys) {
            if (NOT_SETTINGS.contains(k)) continue;
            String column = k.startsWith("model.") ? MODEL : k;
            if (out.contains(column)) continue;
            Set<String> values = new LinkedHashSet<>();
            for (RunData r : runs) values.add(setting(r, column));
            if (values.size() > 1) out.add(column);
        }
        return out;
    }

    private static final String MODEL = "model";

    /** A run's value of a settings column; "–" where its config does not have the key. */
    static String setting(RunData r, String column) {
        if (!column.equals(MODEL)) return Objects.toString(r.config().get(column), "–");
        // "[1, 28, 28] 256-128-64-10": layer widths in order; layers without one by type (dropout with p).
        List<String> parts = new ArrayList<>();
        for (int i = 0; r.config().containsKey("model.layers[" + i + "].type"); i++) {
            String at = "model.layers[" + i + "].";
            String type = r.config().get(at + "type");
            if (r.config().containsKey(at + "out")) parts.add(r.config().get(at + "out"));
            else if (r.config().containsKey(at + "p")) parts.add(type + " " + r.config().get(at + "p"));
            else if (!Set.of("flatten", "relu", "softmax", "log_softmax").contains(type)) parts.add(type);
        }
        return Objects.toString(r.config().get("model.input"), "") + " " + String.join("-", parts);
    }

    private void runsTable(StringBuilder sb, List<RunData> trained) {
        String rank = rankField(trained);
        boolean validation = trained.stream().anyMatch(r -> !Double.isNaN(r.number("validation_accuracy")));
        boolean wall = trained.stream().filter(RunData::finished).allMatch(r -> !Double.isNaN(r.number("wall_seconds")));
        List<String> settings = differingSettings(trained);
        List<RunData> sorted = new ArrayList<>(trained);
        sorted.sort(Comparator.comparing((RunData r) -> !r.finished())
                .thenComparing(r -> Double.isNaN(r.number(rank)) ? Double.POSITIVE_INFINITY : -r.number(rank)));
        RunData best = best(trained);
        sb.append("<section id=\"runs\"><h2>Runs</h2>");
        sb.append("<p class=\"note\">Sorted by ").append(rank.equals("validation_accuracy") ? "validation" : "test")
                .append(" accuracy. ");
        if (!settings.isEmpty()) sb.append("Shaded columns are the settings the runs differ in. ");
        sb.append(wall ? "Time to result is the run's wall-clock time (<code>wall_seconds</code>)."
                : "Time to result is the training passes' seconds (<code>train_seconds</code>; evaluation and data loading excluded).");
        sb.append("</p><div class=\"scroll\"><table class=\"runs\"><thead><tr><th>#</th><th>run</th>");
        for (String s : settings) sb.append("<th class=\"setting\">").append(breakable(s)).append("</th>");
        if (validation) sb.append("<th>val acc</th>");
        sb.append("<th>test acc</th><th>test loss</th><th>").append("time to result (s)<br><small>").append(wall ? "wall clock" : "training passes").append("</small>")
                .append("</th><th>images/s</th><th>epochs</th><th>kernels</th><th>threads</th><th>JDK</th><th>CPU</th><th>seed</th></tr></thead><tbody>\n");
        int i = 1;
        for (RunData r : sorted) {
            sb.append("<tr data-run=\"").append(esc(r.name())).append('"').append(r == best ? " class=\"top\"" : "").append('>');
            sb.append("<td>").append(r.finished() ? Integer.toString(i++) : "").append("</td>");
            sb.append("<th scope=\"row\">").append(runName(r.name()));
            if (!r.finished()) sb.append(" <span class=\"tag\">").append(r.unfinishedStatus()).append("</span>");
            sb.append("</th>");
            for (String s : settings) sb.append("<td class=\"setting\">").append(esc(setting(r, s))).append("</td>");
            if (validation) cell(sb, "validation_accuracy", pct(r.number("validation_accuracy")));
            cell(sb, "test_accuracy", pct(r.number("test_accuracy")));
            cell(sb, "test_loss", num(r.number("test_loss"), 4));
            String time = wall ? "wall_seconds" : "train_seconds";
            cell(sb, time, num(r.number(time), 1));
            cell(sb, "images_per_second", num(r.number("images_per_second"), 0));
            cell(sb, "epochs", num(r.number("epochs"), 0));
            textCell(sb, "kernels", r.text("kernels"));
            cell(sb, "threads", num(r.number("threads"), 0));
            textCell(sb, "jdk", r.text("jdk"));
            textCell(sb, "cpu", r.text("cpu"));
            cell(sb, "seed", num(r.number("seed"), 0));
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table></div></section>\n");
    }

    /** A config key, escaped, with line-break opportunities after its dots. */
    static String breakable(String key) {
        return esc(key).replace(".", ".<wbr>");
    }

    /** A run name, escaped, with line-break opportunities after underscores (between its settings). */
    static String runName(String name) {
        return esc(name).replace("_", "_<wbr>");
    }

    private static void cell(StringBuilder sb, String field, String text) {
        sb.append("<td class=\"n\" data-field=\"").append(field).append("\">").append(text).append("</td>");
    }

    private static void textCell(StringBuilder sb, String field, String text) {
        // JDK and CPU names are long and usually the same in every row: let them wrap so the table fits a laptop.
        sb.append(field.equals("kernels") ? "<td" : "<td class=\"wrap\"").append(" data-field=\"").append(field).append("\">").append(text == null ? "–" : esc(text)).append("</td>");
    }

    private void curves(StringBuilder sb, List<RunData> trained) {
        boolean validation = trained.stream().anyMatch(r -> r.metrics().stream().anyMatch(m -> m.has("validation_accuracy")));
        List<LineChart> charts = new ArrayList<>();
        if (validation) charts.add(new LineChart("Validation accuracy", "epoch", true));
        charts.add(new LineChart("Test accuracy", "epoch", true));
        charts.add(new LineChart("Train loss", "epoch", false));
        charts.add(new LineChart("Test loss", "epoch", false));
        charts.add(new LineChart("Train accuracy", "epoch", true));
        List<String> fields = new ArrayList<>();
        if (validation) fields.add("validation_accuracy");
        fields.addAll(List.of("test_accuracy", "train_loss", "test_loss", "train_accuracy"));
        for (int i = 0; i < trained.size(); i++) {
            RunData r = trained.get(i);
            for (int c = 0; c < charts.size(); c++) {
                double[] x = new double[r.metrics().size()];
                double[] y = new double[r.metrics().size()];
                for (int e = 0; e < x.length; e++) {
                    JsonNode m = r.metrics().get(e);
                    x[e] = m.path("epoch").asDouble(e + 1);
                    JsonNode v = m.get(fields.get(c));
                    y[e] = v == null || !v.isNumber() ? Double.NaN : v.asDouble();
                }
                charts.get(c).add(new LineChart.Series(r.name(), i, x, y));
            }
        }
        sb.append("<section id=\"curves\"><h2>Training curves</h2>");
        sb.append("<ul class=\"legend\">");
        for (int i = 0; i < trained.size(); i++) {
            sb.append("<li><svg width=\"26\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\" x2=\"25\" y1=\"5\" y2=\"5\" stroke=\"")
                    .append(Palette.color(i)).append("\" stroke-width=\"3\"");
            if (!Palette.dash(i).isEmpty()) sb.append(" stroke-dasharray=\"").append(Palette.dash(i)).append('"');
            sb.append("/></svg>").append(esc(trained.get(i).name())).append("</li>");
        }
        sb.append("</ul><div class=\"charts\">");
        for (LineChart ch : charts) sb.append("<figure>").append(ch.svg()).append("</figure>");
        sb.append("</div></section>\n");
    }

    private void detail(StringBuilder sb) {
        var r = analysis.report();
        sb.append("<section id=\"detail\"><h2>Run ").append(esc(analysis.run())).append("</h2>");
        sb.append("<p class=\"note\">Its model evaluated again on ").append(esc(analysis.data())).append(": accuracy ")
                .append(pct(r.accuracy())).append(" on ").append(String.format(Locale.ROOT, "%,d", r.count()))
                .append(" images, ").append(String.format(Locale.ROOT, "%,d", analysis.wrongTotal())).append(" wrong.</p>");
        sb.append("<div class=\"pair\"><figure><figcaption>Confusion matrix (rows: true class; colour: share of the row)</figcaption>")
                .append(ConfusionHeatmap.svg(r)).append("</figure>");
        sb.append("<div><table class=\"classes\"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>");
        for (int k = 0; k < r.classes(); k++) {
            sb.append("<tr><th scope=\"row\">").append(k).append(' ').append(esc(r.classNames().get(k))).append("</th>")
                    .append(scoreCell(r.precision(k))).append(scoreCell(r.recall(k))).append(scoreCell(r.f1(k)))
                    .append("<td class=\"n\">").append(r.support(k)).append("</td></tr>");
        }
        sb.append("</tbody><tfoot><tr><th>macro average</th>").append(scoreCell(r.macroPrecision())).append(scoreCell(r.macroRecall()))
                .append(scoreCell(r.macroF1())).append("<td class=\"n\">").append(r.count()).append("</td></tr>")
                .append("<tr><th>accuracy</th><td></td><td></td><td class=\"n\" data-field=\"accuracy\">").append(num(r.accuracy(), 4))
                .append("</td><td class=\"n\">").append(r.count()).append("</td></tr></tfoot></table></div></div>");
        if (!analysis.gallery().isEmpty()) {
            sb.append("<h3>Most confidently wrong</h3><p class=\"note\">The ").append(analysis.gallery().size())
                    .append(" test images the model was surest about and got wrong: the image as the network saw it, and its "
                            + "class probabilities (<span class=\"k-pred\">predicted</span>, <span class=\"k-true\">true class</span>).</p>");
            sb.append("<div class=\"gallery\">");
            for (Analysis.Wrong w : analysis.gallery()) {
                sb.append("<figure class=\"wrong\"><img alt=\"test image ").append(w.index()).append("\" width=\"84\" height=\"84\" src=\"")
                        .append(pngDataUri(w.pixels(), w.side())).append("\">");
                sb.append(probabilityBars(w, r.classNames()));
                sb.append("<figcaption>#").append(w.index()).append(": ").append(esc(r.classNames().get(w.predicted())))
                        .append(' ').append(String.format(Locale.ROOT, "%.1f%%", 100 * w.confidence())).append(", true ")
                        .append(esc(r.classNames().get(w.truth()))).append("</figcaption></figure>");
            }
            sb.append("</div>");
        }
        sb.append("</section>\n");
    }

    private static String scoreCell(double v) {
        // A light bar behind the number: a weak class stands out in the column without reading every value.
        return "<td class=\"n score\" style=\"background-size:" + c(100 * v) + "% 100%\">" + num(v, 4) + "</td>";
    }

    /** The view_classify bar chart, small: one bar per class, the predicted one red, the true one green. */
    static String probabilityBars(Analysis.Wrong w, List<String> names) {
        int rowH = 13, labelW = 78, barW = 110, width = labelW + barW + 44;
        int height = names.size() * rowH + 2;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg class=\"chart bars\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"class probabilities\">");
        for (int k = 0; k < names.size(); k++) {
            double p = w.probabilities()[k];
            int y = k * rowH + 1;
            String fill = k == w.predicted() ? "#c0392b" : k == w.truth() ? "#1a7f1a" : "#9aa5b1";
            sb.append("<text class=\"bl\" x=\"").append(labelW - 4).append("\" y=\"").append(y + 10).append("\" text-anchor=\"end\">")
                    .append(esc(names.get(k))).append("</text>");
            sb.append("<rect x=\"").append(labelW).append("\" y=\"").append(y + 2).append("\" width=\"").append(barW)
                    .append("\" height=\"9\" fill=\"#f0f2f4\"/>");
            sb.append("<rect x=\"").append(labelW).append("\" y=\"").append(y + 2).append("\" width=\"").append(c(Math.max(0.5, p * barW)))
                    .append("\" height=\"9\" fill=\"").append(fill).append("\"/>");
            sb.append("<text class=\"bl\" x=\"").append(labelW + barW + 4).append("\" y=\"").append(y + 10).append("\">")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * p)).append("</text>");
        }
        sb.append("</svg>");
        return sb.toString();
    }

    static String pngDataUri(byte[] pixels, int side) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, side, side, pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private void bench(StringBuilder sb, List<RunData> benched) {
        List<RunData> sorted = new ArrayList<>(benched);
        sorted.sort(Comparator.comparingDouble((RunData r) -> -r.bench().path("images_per_second").asDouble()));
        List<String> settings = new ArrayList<>(differingSettings(benched));
        settings.remove("training.batch_size"); // its own column
        sb.append("<section id=\"bench\"><h2>Bench</h2><p class=\"note\">Steady-state training steps timed by <code>bench</code>;"
                + " “of peak” is against the FMA peak measured in the same run on the same threads.</p>");
        sb.append("<div class=\"scroll\"><table class=\"bench\"><thead><tr><th>run</th>");
        for (String s : settings) sb.append("<th class=\"setting\">").append(breakable(s)).append("</th>");
        sb.append("<th>batch</th><th>threads</th><th>kernels</th><th>ms/step</th><th>images/s</th><th>GFLOP/s</th><th>of peak</th><th>bytes/step</th><th>JDK</th></tr></thead><tbody>");
        double maxRate = sorted.stream().mapToDouble(r -> r.bench().path("images_per_second").asDouble()).max().orElse(1);
        for (RunData r : sorted) {
            JsonNode b = r.bench();
            sb.append("<tr data-run=\"").append(esc(r.name())).append("\"><th scope=\"row\">").append(esc(r.name())).append("</th>");
            for (String s : settings) sb.append("<td class=\"setting\">").append(esc(setting(r, s))).append("</td>");
            sb.append("<td class=\"n\">").append(b.path("batch_size").asInt()).append("</td><td class=\"n\">").append(b.path("threads").asInt())
                    .append("</td><td>").append(esc(b.path("kernels").asText())).append("</td>");
            benchCell(sb, "ms_per_step", num(b.path("ms_per_step").asDouble(Double.NaN), 3));
            benchCell(sb, "images_per_second", num(b.path("images_per_second").asDouble(Double.NaN), 0));
            benchCell(sb, "gflops", num(b.path("gflops").asDouble(Double.NaN), 1));
            benchCell(sb, "peak_share", b.has("peak_share") ? String.format(Locale.ROOT, "%.0f%%", 100 * b.get("peak_share").asDouble()) : "–");
            benchCell(sb, "allocated_bytes_per_step", num(b.path("allocated_bytes_per_step").asDouble(Double.NaN), 0));
            sb.append("<td>").append(esc(b.path("jdk").asText(""))).append("</td></tr>");
        }
        sb.append("</tbody></table></div>");
        if (sorted.size() > 1) {
            int rowH = 22, labelW = 230, barW = 380, width = labelW + barW + 90;
            int height = sorted.size() * rowH + 30;
            sb.append("<figure><svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
                    .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"images per second\">")
                    .append("<text class=\"ct\" x=\"0\" y=\"16\">Images/s (training steps)</text>");
            for (int i = 0; i < sorted.size(); i++) {
                double v = sorted.get(i).bench().path("images_per_second").asDouble();
                int y = 26 + i * rowH;
                sb.append("<text class=\"tick\" text-anchor=\"end\" x=\"").append(labelW - 6).append("\" y=\"").append(y + 14).append("\">")
                        .append(esc(sorted.get(i).name())).append("</text><rect x=\"").append(labelW).append("\" y=\"").append(y + 3)
                        .append("\" height=\"15\" width=\"").append(c(Math.max(1, v / maxRate * barW))).append("\" fill=\"").append(Palette.color(0))
                        .append("\"/><text class=\"tick\" x=\"").append(c(labelW + v / maxRate * barW + 5)).append("\" y=\"").append(y + 14)
                        .append("\">").append(num(v, 0)).append("</text>");
            }
            sb.append("</svg></figure>");
        }
        RunData fastest = sorted.get(0);
        JsonNode phases = fastest.bench().path("phases");
        if (phases.isArray() && phases.size() > 0) {
            sb.append("<h3>Where a step's time goes: ").append(esc(fastest.name())).append("</h3>");
            sb.append("<table class=\"phases\"><thead><tr><th>phase</th><th>ms/step</th><th>share</th><th>GFLOP/s</th><th>of peak</th></tr></thead><tbody>");
            for (JsonNode p : phases) {
                double share = p.path("share").asDouble();
                sb.append("<tr><th scope=\"row\">").append(esc(p.path("phase").asText())).append("</th><td class=\"n\">")
                        .append(num(p.path("ms_per_step").asDouble(), 4)).append("</td><td class=\"n score\" style=\"background-size:")
                        .append(c(100 * share)).append("% 100%\">").append(String.format(Locale.ROOT, "%.1f%%", 100 * share))
                        .append("</td><td class=\"n\">").append(p.path("flops_per_step").asDouble() == 0 ? "" : num(p.path("gflops").asDouble(), 1))
                        .append("</td><td class=\"n\">").append(p.has("peak_share") ? String.format(Locale.ROOT, "%.0f%%", 100 * p.get("peak_share").asDouble()) : "")
                        .append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        sb.append("</section>\n");
    }

    private static void benchCell(StringBuilder sb, String field, String text) {
        sb.append("<td class=\"n\" data-bench=\"").append(field).append("\">").append(text).append("</td>");
    }

    private void jmh(StringBuilder sb, List<RunData> withJmh) {
        sb.append("<section id=\"jmh\"><h2>JMH</h2>");
        for (RunData r : withJmh) {
            sb.append("<h3>").append(esc(r.name())).append(": ").append(esc(String.join(", ", r.jmhFiles()))).append("</h3>");
            sb.append("<div class=\"scroll\"><table class=\"jmh\"><thead><tr><th>benchmark</th><th>params</th><th>mode</th><th>score</th><th>error</th><th>unit</th></tr></thead><tbody>");
            for (JmhResult j : r.jmh()) {
                sb.append("<tr><th scope=\"row\">").append(esc(j.shortName())).append("</th><td>").append(esc(j.paramsLabel(""))).append("</td><td>")
                        .append(esc(j.mode())).append("</td><td class=\"n\">").append(num(j.score(), 3)).append("</td><td class=\"n\">")
                        .append(Double.isNaN(j.error()) ? "–" : "± " + num(j.error(), 3)).append("</td><td>").append(esc(j.unit())).append("</td></tr>");
            }
            sb.append("</tbody></table></div>");
        }
        sb.append("</section>\n");
    }

    private static final String CSS = """
            :root{--fg:#1d2430;--muted:#5b6573;--line:#d8dde3;--accent:#1f77b4;--setting:#f4f7fb}
            *{box-sizing:border-box}
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);max-width:1280px;margin:0 auto;padding:18px 22px 40px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:20px 0 6px}
            .meta,.note,footer{color:var(--muted)}.meta{margin:0}.best{margin:6px 0}
            nav{margin-top:8px}nav a{margin-right:14px;color:var(--accent);text-decoration:none}
            code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 3px;border-radius:3px}
            .scroll{overflow-x:auto}
            table{border-collapse:collapse;font-size:13px;margin:4px 0}
            th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
            thead th{font-weight:600;border-bottom:2px solid #aab3bd;vertical-align:bottom;white-space:normal}
            table.runs th,table.runs td{padding:4px 6px}table.runs tbody th{white-space:normal;min-width:110px}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            td.wrap{white-space:normal;min-width:80px;max-width:150px;font-size:12px;line-height:1.25}
            tbody th{font-weight:500}
            .setting{background:var(--setting)}
            tr.top th,tr.top td{background:#fff7d6}
            .tag{font-size:11px;color:#8a5a00;background:#fdf0c6;border-radius:3px;padding:0 4px}
            td.score{background-image:linear-gradient(#dbe9f7,#dbe9f7);background-repeat:no-repeat}
            .legend{list-style:none;padding:0;margin:4px 0 8px;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13px}
            .legend svg{vertical-align:middle;margin-right:5px}
            .charts{display:flex;flex-wrap:wrap;gap:10px}
            figure{margin:0}
            figcaption{font-size:12px;color:var(--muted)}
            svg.chart{max-width:100%;height:auto;background:#fff}
            svg .ct{font-size:13px;font-weight:600;fill:var(--fg)}
            svg .tick,svg .cell{font-size:11px;fill:#333}svg .cell.on-dark{fill:#fff}
            svg .bl{font-size:9.5px;fill:#333}
            svg .grid{stroke:#eceff2}svg .axis{stroke:#888}svg .frame{fill:none;stroke:#aab3bd}
            .pair{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
            .gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
            .wrong{display:grid;grid-template-columns:84px 1fr;grid-template-rows:auto auto;gap:2px 8px;border:1px solid var(--line);border-radius:4px;padding:6px;break-inside:avoid}
            .wrong img{image-rendering:pixelated;background:#000;grid-row:1}
            .wrong figcaption{grid-column:1/3}
            .k-pred{color:#c0392b;font-weight:600}.k-true{color:#1a7f1a;font-weight:600}
            footer{margin-top:36px;font-size:12px;border-top:1px solid var(--line);padding-top:8px}
            @media (max-width:700px){body{padding:10px}}
            @media print{
             *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
             body{max-width:none;padding:0;font-size:10pt}nav{display:none}
             .scroll{overflow:visible}table{font-size:8.5pt}th,td{padding:2px 5px}
             section{break-inside:auto}h2,h3{break-after:avoid}figure,.pair,table.classes,tr{break-inside:avoid}
             .gallery{grid-template-columns:repeat(3,1fr)}a{color:inherit;text-decoration:none}
            }
            """;
}
