package dev.fashion.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolution benchmarks (jmh ConvBench) in the report: GFLOP/s for convolutions, GB/s for the rest. */
class ConvBenchReportTest {

    @Test
    void convolutionsInGflopsPoolingAndBatchNormInGbPerSecond(@TempDir Path dir) throws Exception {
        Path f = JmhReportTest.write(dir, "conv.json",
                JmhReportTest.result("ConvBench.forward", "\"impl\": \"scalar\", \"layer\": \"conv2\"", 2, "0.1", 0.0),
                JmhReportTest.result("ConvBench.forward", "\"impl\": \"vector\", \"layer\": \"conv2\"", 60, "1", 0.0),
                JmhReportTest.result("ConvBench.batchNorm", "\"impl\": \"scalar\", \"layer\": \"conv1\"", 10, "1", 0.0),
                JmhReportTest.result("ConvBench.batchNorm", "\"impl\": \"vector\", \"layer\": \"conv1\"", 100, "1", 0.0),
                JmhReportTest.result("ConvBench.outputWrite", "\"impl\": \"vector\", \"layer\": \"conv1\"", 1500, "1", 0.0));
        List<JmhResult> rs = JmhResults.read(f);
        BenchUnits.Rate conv2 = BenchUnits.of(rs.get(1));
        assertEquals("GFLOP/s", conv2.unit());
        assertEquals(60 * 2.0 * 128 * 64 * 32 * 9 * 196 / 1e9, conv2.value(), 1e-6);
        BenchUnits.Rate bn = BenchUnits.of(rs.get(3));
        assertEquals("GB/s", bn.unit());
        assertEquals(100 * 16.0 * 128 * 32 * 784 / 1e9, bn.value(), 1e-6);
        // The store floor: the 12.8 MB output once per op.
        BenchUnits.Rate store = BenchUnits.of(rs.get(4));
        assertEquals("GB/s", store.unit());
        assertEquals(1500 * 4.0 * 128 * 32 * 784 / 1e9, store.value(), 1e-6);
        String md = JmhReport.markdown(rs, List.of("conv.json"));
        assertTrue(md.contains("| ConvBench.forward | layer=conv2 | GFLOP/s |") && md.contains("30.00×"), md);
        assertTrue(md.contains("| ConvBench.batchNorm | layer=conv1 | GB/s |"), md);
    }
}
