package dev.fashion.report;

import dev.fashion.FashionException;
import dev.fashion.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmhReportTest {

    /** One JMH JSON result, as `-rf json` writes it (only the fields the report reads, plus noise). */
    static String result(String benchmark, String params, double score, String error, Double allocNorm) {
        String secondary = allocNorm == null ? "{}" : "{\"gc.alloc.rate.norm\": {\"score\": " + allocNorm
                + ", \"scoreError\": \"NaN\", \"scoreUnit\": \"B/op\"}}";
        return "{\"jmhVersion\": \"1.37\", \"benchmark\": \"dev.fashion.bench." + benchmark + "\", \"mode\": \"thrpt\","
                + " \"jdkVersion\": \"17.0.15\", \"vmName\": \"OpenJDK 64-Bit Server VM\", \"params\": {" + params + "},"
                + " \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": " + error + ", \"scoreUnit\": \"ops/s\","
                + " \"rawData\": [[1.0]]}, \"secondaryMetrics\": " + secondary + "}";
    }

    static Path write(Path dir, String name, String... results) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "[" + String.join(",\n", results) + "]");
        return f;
    }

    static final String MATMUL = "\"impl\": \"%s\", \"shape\": \"64x784x256\"";

    @Test
    void convertsOpsToTheUnitOfEachBenchmark() {
        List<JmhResult> rs = JmhResults.parse(("[" + String.join(",",
                result("MatmulBench.forward", MATMUL.formatted("vector"), 1000, "10", null),
                result("ActivationBench.reluBackward", "\"impl\": \"scalar\", \"shape\": \"64x256\"", 1e6, "\"NaN\"", null),
                result("TrainStepBench.step", "\"impl\": \"vector\", \"batch\": \"64\", \"threads\": \"2\"", 100, "1", null),
                result("AdamBench.adam", "\"impl\": \"vector\", \"size\": \"1000\"", 1e6, "0", null),
                result("ParallelMatmulBench.gradWeight", MATMUL.formatted("vector") + ", \"threads\": \"2\"", 2000, "20", null)) + "]")
                .getBytes(StandardCharsets.UTF_8), "t.json");
        BenchUnits.Rate mm = BenchUnits.of(rs.get(0));
        assertEquals("GFLOP/s", mm.unit());
        assertEquals(1000 * 2.0 * 64 * 784 * 256 / 1e9, mm.value(), 1e-9);
        BenchUnits.Rate relu = BenchUnits.of(rs.get(1));
        assertEquals("GB/s", relu.unit());
        assertEquals(1e6 * 12 * 64 * 256 / 1e9, relu.value(), 1e-9);
        assertTrue(Double.isNaN(relu.error()));
        assertEquals(new BenchUnits.Rate(6400, 64, "images/s"), BenchUnits.of(rs.get(2)));
        assertEquals(28, BenchUnits.of(rs.get(3)).value(), 1e-9);
        assertEquals(Math.cbrt(64.0 * 784 * 256), BenchUnits.matrixSize(rs.get(0)), 1e-9);
        // On two threads: still GFLOP/s, but kept off the one-thread size chart.
        BenchUnits.Rate two = BenchUnits.of(rs.get(4));
        assertEquals("GFLOP/s", two.unit());
        assertEquals(2000 * 2.0 * 64 * 784 * 256 / 1e9, two.value(), 1e-9);
        assertTrue(BenchUnits.isMatmul(rs.get(0)) && !BenchUnits.isMatmul(rs.get(4)));
    }

    @Test
    void reportPairsImplementationsRanksPeersAndDrawsCharts(@TempDir Path dir) throws Exception {
        Path f = write(dir, "run.json",
                result("MatmulBench.forward", MATMUL.formatted("scalar"), 100, "5", 0.0),
                result("MatmulBench.forward", MATMUL.formatted("vector"), 1500, "30", 0.0),
                result("SoftmaxBench.logSoftmax", "\"impl\": \"scalar\", \"shape\": \"64x10\"", 1e6, "1e4", 0.0),
                result("SoftmaxBench.logSoftmax", "\"impl\": \"vector\", \"shape\": \"64x10\"", 4e6, "1e5", 0.0),
                result("PeerMatmulBench.forward", "\"lib\": \"fashion\", \"shape\": \"64x784x256\"", 1500, "30", null),
                result("PeerMatmulBench.forward", "\"lib\": \"jblas\", \"shape\": \"64x784x256\"", 3000, "30", null),
                result("PeerMatmulBench.forward", "\"lib\": \"ejml\", \"shape\": \"64x784x256\"", 500, "30", null),
                result("PeerMatmulBench.forward", "\"lib\": \"fashion\", \"shape\": \"1x64x10\"", 9e5, "30", null),
                result("PeerMatmulBench.forward", "\"lib\": \"ejml\", \"shape\": \"1x64x10\"", 5e5, "30", null));
        List<JmhResult> rs = JmhResults.read(f);
        String md = JmhReport.markdown(rs, List.of("run.json"));
        assertTrue(md.contains("| MatmulBench.forward | 64x784x256 | GFLOP/s | 2.57 ± 0.13 | 38.5 ± 0.8 | 15.00× ± 0.81 | 0 / 0 |"), md);
        assertTrue(md.contains("| SoftmaxBench.logSoftmax | 64x10 | GB/s |"), md);
        assertTrue(md.contains("1. jblas 77.1 · 2. **fashion** 38.5 · 3. ejml 12.8 | 2 of 3 |"), md);
        assertTrue(md.contains("Ours is fastest at 1 of 2: forward 1x64x10. Behind at: forward 64x784x256 (jblas 2.0× faster)."), md);

        List<Path> written = JmhReport.write(rs, List.of("run.json"), dir);
        assertEquals(3, written.size());
        for (Path p : written) assertTrue(Files.size(p) > 500, p + " is too small");
        assertTrue(Files.exists(dir.resolve(JmhReport.SPEEDUP_PNG)));
        assertTrue(Files.exists(dir.resolve(JmhReport.GFLOPS_PNG)));
    }

    @Test
    void compareGivesRatiosOfMatchingResults(@TempDir Path dir) throws Exception {
        List<JmhResult> a = JmhResults.read(write(dir, "a.json", result("MatmulBench.forward", MATMUL.formatted("vector"), 1000, "10", null),
                result("AdamBench.adam", "\"impl\": \"vector\", \"size\": \"1000\"", 1e6, "0", null)));
        List<JmhResult> b = JmhResults.read(write(dir, "b.json", result("MatmulBench.forward", MATMUL.formatted("vector"), 1500, "15", null)));
        JmhCompare.write(a, "a.json", b, "b.json", dir);
        String md = Files.readString(dir.resolve(JmhCompare.MARKDOWN));
        assertTrue(md.contains("| 1.50× ± 0.02 |"), md);
        assertTrue(md.contains("Not in both: 1 only in A, 0 only in B."), md);
        assertTrue(Files.size(dir.resolve(JmhCompare.PNG)) > 1000);
    }

    @Test
    void badFilesAreOneLineErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Path notJson = dir.resolve("x.json");
        Files.writeString(notJson, "{\"benchmark\": ");
        String m = assertThrows(FashionException.class, () -> JmhResults.read(notJson)).getMessage();
        assertTrue(m.startsWith(notJson + ": not valid JSON at line 1"), m);
        Path object = dir.resolve("o.json");
        Files.writeString(object, "{}");
        assertTrue(assertThrows(FashionException.class, () -> JmhResults.read(object)).getMessage().contains("expected a JSON array"));
        Path noScore = dir.resolve("n.json");
        Files.writeString(noScore, "[{\"benchmark\": \"a.B.c\", \"primaryMetric\": {}}]");
        assertEquals(noScore + ": result 1 primaryMetric: no \"score\" number",
                assertThrows(FashionException.class, () -> JmhResults.read(noScore)).getMessage());
        assertTrue(assertThrows(FashionException.class, () -> JmhResults.read(dir.resolve("missing.json")))
                .getMessage().contains("missing.json: no such file"));
    }

    @Test
    void reportCommandWritesIntoOutOrFailsWithExitTwo(@TempDir Path dir) throws Exception {
        Path a = write(dir, "a.json", result("MatmulBench.forward", MATMUL.formatted("scalar"), 100, "5", null),
                result("MatmulBench.forward", MATMUL.formatted("vector"), 1500, "30", null));
        assertEquals(0, Main.run("report", "jmh", a.toString(), "--out", dir.resolve("out").toString()));
        assertTrue(Files.exists(dir.resolve("out").resolve(JmhReport.SPEEDUP_PNG)));
        assertEquals(0, Main.run("report", "compare", a.toString(), a.toString()));
        assertTrue(Files.exists(dir.resolve("a-vs-a").resolve(JmhCompare.MARKDOWN)));
        assertEquals(2, Main.run("report", "jmh", dir.resolve("none.json").toString()));
    }
}
