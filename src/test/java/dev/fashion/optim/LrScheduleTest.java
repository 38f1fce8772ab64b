package dev.fashion.optim;

import dev.fashion.config.ScheduleConfig;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every schedule against the learning rates PyTorch's own schedulers gave, stepped once per batch
 * (lr_schedules.csv; made by make_pytorch_reference.py beside it, which says how).
 */
class LrScheduleTest {

    static Map<String, TreeMap<Long, Double>> reference() throws IOException {
        Map<String, TreeMap<Long, Double>> cases = new LinkedHashMap<>();
        var in = LrScheduleTest.class.getResourceAsStream("lr_schedules.csv");
        assertNotNull(in, "lr_schedules.csv");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",");
                cases.computeIfAbsent(f[0], k -> new TreeMap<>()).put(Long.parseLong(f[1]), Double.parseDouble(f[2]));
            }
        }
        return cases;
    }

    private static void check(String name, ScheduleConfig c, double lr, int stepsPerEpoch, int epochs) throws IOException {
        TreeMap<Long, Double> want = reference().get(name);
        assertNotNull(want, name);
        LrSchedule s = new LrSchedule(c, lr, stepsPerEpoch, epochs);
        assertEquals((long) stepsPerEpoch * epochs, s.totalSteps());
        for (Map.Entry<Long, Double> e : want.entrySet()) {
            double got = s.lr(e.getKey());
            assertEquals(e.getValue(), got, 1e-12 * lr, name + " step " + e.getKey());
        }
        assertTrue(want.size() > 20, name + ": enough reference points");
    }

    @Test
    void oneCycleAsTheMlpRecipe() throws IOException {
        ScheduleConfig c = new ScheduleConfig();
        c.setType("one_cycle");
        c.setPctStart(0.1);
        c.setDivFactor(25.0);
        c.setFinalDivFactor(1e4);
        check("one_cycle_recipe", c, 2e-3, 469, 24);
    }

    @Test
    void oneCycleWithAPeakBetweenSteps() throws IOException {
        ScheduleConfig c = new ScheduleConfig();
        c.setType("one_cycle");
        c.setPctStart(0.3);
        c.setDivFactor(10.0);
        c.setFinalDivFactor(100.0);
        check("one_cycle_small", c, 0.1, 7, 3);
    }

    @Test
    void stepEveryTwoEpochs() throws IOException {
        ScheduleConfig c = new ScheduleConfig();
        c.setType("step");
        c.setStepEpochs(2);
        c.setGamma(0.3);
        check("step", c, 0.5, 5, 7);
    }

    @Test
    void cosineWithLinearWarmup() throws IOException {
        ScheduleConfig c = new ScheduleConfig();
        c.setType("cosine");
        c.setWarmupEpochs(1.5);
        c.setWarmupStartFactor(0.05);
        c.setMinLr(1e-4);
        check("cosine_warmup", c, 0.01, 10, 6);
    }

    @Test
    void cosineWithoutWarmup() throws IOException {
        ScheduleConfig c = new ScheduleConfig();
        c.setType("cosine");
        check("cosine", c, 0.01, 10, 4);
    }

    @Test
    void constantIsTheBase() {
        LrSchedule s = new LrSchedule(new ScheduleConfig(), 3e-3, 10, 2);
        for (long t = 0; t < 20; t++) assertEquals(3e-3, s.lr(t));
    }
}
