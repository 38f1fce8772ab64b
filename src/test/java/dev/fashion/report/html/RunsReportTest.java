package dev.fashion.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fashion.data.FashionMnist;
import dev.fashion.train.ClassificationReport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page's content without a browser: size bounds, escaping, ranking and the settings that differ. */
class RunsReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tenLongRunsWithTheLargestGalleryStayUnderThreeMegabytes() {
        List<RunData> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) runs.add(run("run" + i, 0.80 + i / 100.0, 100, Map.of("optimizer.lr", "0.00" + (i + 1))));
        String html = new RunsReport(runs, analysis(200), "ten runs").html();
        int bytes = html.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("report of 10 runs x 100 epochs, 200 wrong images: %,d bytes%n", bytes);
        assertTrue(bytes < 3_000_000, "10 runs of 100 epochs with 200 wrong images: " + bytes + " bytes");
        assertEquals(200, count(html, "<img "));
        assertEquals(4, count(html, "<svg class=\"chart\" viewBox=\"0 0 " + LineChart.WIDTH), "accuracy and loss curves, test and train");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http://") || html.contains("https://"), "no address to fetch");
    }

    @Test
    void ranksByValidationAccuracyWhenEveryRunHasItAndShowsWallClockTime() {
        RunData a = run("a", 0.90, 3, Map.of());
        RunData b = run("b", 0.85, 3, Map.of());
        ((ObjectNode) a.summary()).put("validation_accuracy", 0.80).put("wall_seconds", 12.5);
        ((ObjectNode) b.summary()).put("validation_accuracy", 0.88).put("wall_seconds", 30.0);
        assertEquals("validation_accuracy", RunsReport.rankField(List.of(a, b)));
        assertEquals(b, RunsReport.best(List.of(a, b)));
        String html = new RunsReport(List.of(a, b), null, "t").html();
        assertTrue(html.indexOf("data-run=\"b\"") < html.indexOf("data-run=\"a\""), "b first, by validation accuracy");
        assertTrue(html.contains("<td class=\"n\" data-field=\"wall_seconds\">12.5</td>"), html);
        assertTrue(html.contains("wall clock"));
        // Without validation accuracy on every run, test accuracy decides.
        ((ObjectNode) b.summary()).remove("validation_accuracy");
        assertEquals(a, RunsReport.best(List.of(a, b)));
    }

    @Test
    void escapesWhatItReadsAndShowsOnlyTheSettingsThatDiffer() {
        RunData evil = run("<script>alert(1)</script>", 0.5, 2, Map.of("optimizer.lr", "0.1", "training.seed", "0"));
        RunData other = run("plain", 0.6, 2, Map.of("optimizer.lr", "0.2", "training.seed", "0"));
        assertEquals(List.of("optimizer.lr"), RunsReport.differingSettings(List.of(evil, other)));
        String html = new RunsReport(List.of(evil, other), null, "t").html();
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void modelDifferencesAreOneCompactColumn() {
        RunData small = run("small", 0.8, 1, Map.of("model.input", "[1,28,28]", "model.layers[0].type", "flatten",
                "model.layers[1].type", "linear", "model.layers[1].out", "32", "model.layers[2].type", "relu",
                "model.layers[3].type", "linear", "model.layers[3].out", "10"));
        RunData big = run("big", 0.9, 1, Map.of("model.input", "[1,28,28]", "model.layers[0].type", "flatten",
                "model.layers[1].type", "linear", "model.layers[1].out", "256", "model.layers[2].type", "dropout",
                "model.layers[2].p", "0.2", "model.layers[3].type", "linear", "model.layers[3].out", "10"));
        assertEquals(List.of("model"), RunsReport.differingSettings(List.of(small, big)));
        assertEquals("[1,28,28] 32-10", RunsReport.setting(small, "model"));
        assertEquals("[1,28,28] 256-dropout 0.2-10", RunsReport.setting(big, "model"));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }

    private static RunData run(String name, double accuracy, int epochs, Map<String, String> settings) {
        ObjectNode summary = JSON.createObjectNode().put("test_accuracy", accuracy).put("test_loss", 1 - accuracy)
                .put("train_seconds", 10.0).put("images_per_second", 50_000.0).put("epochs", epochs).put("kernels", "vector")
                .put("threads", 2).put("jdk", "17").put("cpu", "Test CPU (2 cores)").put("seed", 0);
        List<JsonNode> metrics = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            metrics.add(JSON.createObjectNode().put("epoch", e).put("train_loss", 1.0 / e).put("train_accuracy", accuracy - 0.1 / e)
                    .put("test_loss", 1.1 / e).put("test_accuracy", accuracy - 0.05 / e).put("seconds", 1.0).put("images_per_second", 50_000.0));
        }
        Map<String, String> config = new LinkedHashMap<>(settings);
        config.put("data.dir", "/somewhere/" + name);
        return new RunData(name, Path.of(name), summary, metrics, config, null, List.of(), List.of());
    }

    private static Analysis analysis(int gallery) {
        Random random = new Random(1);
        int n = 10_000;
        int[] predicted = new int[n];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i % 10;
            predicted[i] = random.nextInt(10) == 0 ? random.nextInt(10) : truth[i];
        }
        List<Analysis.Wrong> wrong = new ArrayList<>();
        for (int i = 0; i < gallery; i++) {
            byte[] pixels = new byte[28 * 28];
            random.nextBytes(pixels); // noise compresses worst: an upper bound for real images
            float[] p = new float[10];
            p[(i + 1) % 10] = 0.9f;
            p[i % 10] = 0.1f;
            wrong.add(new Analysis.Wrong(i, pixels, 28, p, (i + 1) % 10, i % 10));
        }
        return new Analysis("run0", "test", ClassificationReport.of(predicted, truth, FashionMnist.CLASS_NAMES), wrong, gallery);
    }
}
