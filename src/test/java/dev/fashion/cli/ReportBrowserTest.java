package dev.fashion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTML pages of {@code report runs} and {@code sweep}, opened in a real headless Chromium: no console
 * errors, no network requests, every chart and image drawn at a non-zero size (on screen and in print),
 * and the runs table's numbers equal to each run's summary.json. Skipped, with the reason shown, where no
 * Chromium is installed (.ci/run installs Debian's).
 */
class ReportBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    private static Path sweep;
    private static Path report;

    @BeforeAll
    static void sweepAndReport() throws Exception {
        Path data = SmallDataset.write(tmp.resolve("data"), 640, 300);
        Path config = Files.writeString(tmp.resolve("sweep.yaml"), SweepTest.CONFIG);
        sweep = tmp.resolve("sweep");
        CliTest.Result r = CliTest.run("sweep", "--config", config.toString(), "--data", data.toString(),
                "--set", "optimizer.lr=0.001,0.003", "--seeds", "0,1", "--out", sweep.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + sweep.resolve("report.html")), r.out());
        // A run directory with a bench.json and a JMH result beside it, as a tuning session leaves them.
        Path run = sweep.resolve("lr=0.003_seed=1");
        CliTest.Result b = CliTest.run("bench", "--config", config.toString(), "--data", data.toString(), "--steps", "5",
                "--warmup", "2", "--no-peak", "--json", run.resolve("bench.json").toString());
        assertEquals(0, b.code(), b.err());
        Files.writeString(run.resolve("jmh-matmul.json"), "[{\"jmhVersion\": \"1.37\", \"benchmark\": \"dev.fashion.bench.MatmulBench.forward\","
                + " \"mode\": \"thrpt\", \"params\": {\"impl\": \"vector\", \"shape\": \"64x784x256\"},"
                + " \"primaryMetric\": {\"score\": 1234.5, \"scoreError\": 12.5, \"scoreUnit\": \"ops/s\"}, \"secondaryMetrics\": {}}]");
        report = tmp.resolve("out").resolve("report.html");
        CliTest.Result rep = CliTest.run("report", "runs", sweep.toString(), "--out", report.toString(), "--gallery", "12");
        assertEquals(0, rep.code(), rep.err());
    }

    private static Chromium browser;

    private static Chromium browser() throws Exception {
        Path exe = Chromium.find();
        String why = "SKIPPED: no Chromium on this machine (apt-get install chromium chromium-driver; .ci/run does), "
                + "so the report pages were not checked in a browser";
        if (exe == null) System.err.println("ReportBrowserTest " + why); // on the console, not only in the XML report
        assumeTrue(exe != null, why);
        if (browser == null) browser = Chromium.start(exe, Files.createDirectories(tmp.resolve("browser")));
        return browser;
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) browser.close();
    }

    @Test
    void reportOpensOfflineWithEveryChartDrawnAndTheRunsNumbers() throws Exception {
        String html = Files.readString(report);
        assertTrue(html.length() < 3_000_000, "under 3 MB: " + html.length());
        assertTrue(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "nothing to run or fetch");
        Chromium.Page page = browser().open(report.toUri().toString(), 1280, 900);
        assertNoErrorsOrRequests(page, report);
        int charts = assertChartsDrawn(page, "screen");
        // 5 curves (test accuracy, losses, train accuracy), the heat map, 12 probability bar charts, the bench bars? (one bench run: none)
        assertTrue(charts >= 4 + 1 + 12, "charts: " + charts);
        assertEquals(12, page.eval("document.querySelectorAll('.gallery img').length").asInt(), "the gallery's images");
        assertRunsTableMatchesSummaries(page, 4);
        // The chosen run: the best by test accuracy, its re-evaluated accuracy equal to its summary's.
        String best = page.eval("document.querySelector('tr.top').dataset.run").asText();
        JsonNode bestSummary = JSON.readTree(sweep.resolve(best).resolve("summary.json").toFile());
        assertEquals(String.format(Locale.ROOT, "%.4f", bestSummary.get("test_accuracy").asDouble()),
                page.eval("document.querySelector('#detail [data-field=accuracy]').textContent").asText());
        assertTrue(page.eval("document.querySelector('#detail h2').textContent").asText().endsWith(best));
        // The bench and JMH tables from the run directory that has them.
        JsonNode bench = JSON.readTree(sweep.resolve("lr=0.003_seed=1").resolve("bench.json").toFile());
        assertEquals(String.format(Locale.ROOT, "%,.0f", bench.get("images_per_second").asDouble()),
                page.eval("document.querySelector('#bench [data-bench=images_per_second]').textContent").asText());
        assertTrue(page.eval("document.querySelector('#jmh').textContent").asText().contains("MatmulBench.forward"));
        // In print: the same charts, none collapsed, and a PDF comes out.
        page.media("print");
        assertEquals(charts, assertChartsDrawn(page, "print"));
        assertTrue(page.pdf().length > 10_000, "printed to PDF");
        page.media("");
    }

    @Test
    void sweepPageOpensOfflineWithTheSweepsRuns() throws Exception {
        Path page = sweep.resolve("report.html");
        Chromium.Page p = browser().open(page.toUri().toString(), 1024, 768);
        assertNoErrorsOrRequests(p, page);
        assertChartsDrawn(p, "screen");
        assertRunsTableMatchesSummaries(p, 4);
        // The settings the runs differ in are columns: the learning rate and the seed, nothing else.
        JsonNode settings = p.eval("JSON.stringify([...document.querySelectorAll('table.runs th.setting')].map(t => t.textContent))");
        assertEquals("[\"optimizer.lr\",\"training.seed\"]", settings.asText());
    }

    private static void assertNoErrorsOrRequests(Chromium.Page page, Path file) {
        assertEquals(List.of(), page.errors(), "console errors");
        List<String> requests = new ArrayList<>();
        for (JsonNode r : page.events("Network.requestWillBeSent")) {
            String url = r.path("request").path("url").asText();
            if (!url.equals(file.toUri().toString()) && !url.startsWith("data:")) requests.add(url);
        }
        assertEquals(List.of(), requests, "network requests besides the page itself");
    }

    /** Every SVG chart and image is laid out at a non-zero size and has drawn content; returns how many. */
    private static int assertChartsDrawn(Chromium.Page page, String media) throws Exception {
        JsonNode charts = JSON.readTree(page.eval("""
                JSON.stringify([...document.querySelectorAll('svg.chart, img')].map(e => {
                  const r = e.getBoundingClientRect();
                  return {what: e.getAttribute('aria-label') || e.alt, w: r.width, h: r.height,
                          drawn: e.tagName === 'IMG' ? e.complete && e.naturalWidth > 0
                                                     : e.querySelectorAll('polyline, rect, circle').length > 0};
                }))""").asText());
        assertTrue(charts.size() > 0, "no charts");
        for (JsonNode c : charts) {
            assertTrue(c.get("w").asDouble() > 0 && c.get("h").asDouble() > 0, media + ": zero size: " + c);
            assertTrue(c.get("drawn").asBoolean(), media + ": nothing drawn: " + c);
        }
        return charts.size();
    }

    /** The runs table has one row per run, and each number is the run's summary.json value as shown. */
    private static void assertRunsTableMatchesSummaries(Chromium.Page page, int runs) throws Exception {
        JsonNode rows = JSON.readTree(page.eval("""
                JSON.stringify([...document.querySelectorAll('table.runs tbody tr')].map(tr => ({run: tr.dataset.run,
                  cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map(td => [td.dataset.field, td.textContent]))})))
                """).asText());
        assertEquals(runs, rows.size(), rows.toString());
        Set<String> seen = new HashSet<>();
        double previous = Double.POSITIVE_INFINITY;
        for (JsonNode row : rows) {
            String run = row.get("run").asText();
            assertTrue(seen.add(run));
            JsonNode s = JSON.readTree(sweep.resolve(run).resolve("summary.json").toFile());
            JsonNode cells = row.get("cells");
            assertNumber(cells, "test_accuracy", 100 * s.get("test_accuracy").asDouble(), 0.005, run);
            assertNumber(cells, "test_loss", s.get("test_loss").asDouble(), 0.00005, run);
            // Time to result: the run's wall time where summary.json has it, else its training passes' seconds.
            String time = s.has("wall_seconds") ? "wall_seconds" : "train_seconds";
            assertNumber(cells, time, s.get(time).asDouble(), 0.05, run);
            assertNumber(cells, "images_per_second", s.get("images_per_second").asDouble(), 0.5, run);
            assertNumber(cells, "threads", s.get("threads").asDouble(), 0, run);
            assertNumber(cells, "seed", s.get("seed").asDouble(), 0, run);
            assertNumber(cells, "epochs", s.get("epochs").asDouble(), 0, run);
            for (String f : List.of("kernels", "jdk", "cpu")) assertEquals(s.get(f).asText(), cells.get(f).asText(), run + " " + f);
            double acc = s.get("test_accuracy").asDouble();
            assertTrue(acc <= previous, "sorted best first");
            previous = acc;
        }
    }

    private static void assertNumber(JsonNode cells, String field, double expected, double tolerance, String run) {
        assertTrue(cells.has(field), run + ": the page has no " + field + " cell: " + cells);
        String text = cells.get(field).asText();
        double shown = Double.parseDouble(text.replace(",", "").replace("%", ""));
        assertTrue(Math.abs(shown - expected) <= tolerance + 1e-9, run + " " + field + ": page shows " + text + ", summary.json " + expected);
    }
}
