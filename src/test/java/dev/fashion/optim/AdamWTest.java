package dev.fashion.optim;

import dev.fashion.kernels.KernelProvider;
import dev.fashion.kernels.Kernels;
import dev.fashion.kernels.ScalarKernels;
import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * AdamW against torch.optim.AdamW (adamw.csv, made by make_pytorch_reference.py): six steps on 37
 * weights with fixed gradients and a learning rate that changes every step, as under a schedule.
 */
class AdamWTest {

    @Test
    void matchesPyTorchAdamW() throws IOException {
        Map<String, float[]> want = new HashMap<>();
        var in = AdamWTest.class.getResourceAsStream("adamw.csv");
        assertNotNull(in, "adamw.csv");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(",");
                want.computeIfAbsent(f[0] + "@" + f[1], k -> new float[37])[Integer.parseInt(f[2])] = Float.parseFloat(f[3]);
            }
        }
        for (Kernels kernels : List.of(new ScalarKernels(), KernelProvider.choose().kernels())) {
            for (float wd : new float[] {0.05f, 0f}) {
                String name = wd == 0f ? "adamw_wd0" : "adamw_wd0.05";
                Parameter p = new Parameter("w", 37);
                for (int i = 0; i < 37; i++) p.data()[i] = (float) Math.sin(0.7 * i + 0.3);
                try (Scheduler one = new Scheduler(1)) {
                    ParallelKernels pk = new ParallelKernels(kernels, one);
                    Adam adamw = new Adam(List.of(p), 3e-3, 0.9f, 0.999f, 1e-8f, new float[] {wd}, true);
                    assertEquals("adamw", adamw.type());
                    for (int s = 0; s < 6; s++) {
                        adamw.setLr(3e-3 * (1 + s) / 6);
                        for (int i = 0; i < 37; i++) p.grad()[i] = (float) (Math.cos(1.3 * i * (s + 1)) * 0.1);
                        adamw.step(pk);
                        float[] w = want.get(name + "@" + (s + 1));
                        for (int i = 0; i < 37; i++) {
                            assertEquals(w[i], p.data()[i], 2e-6f, kernels.name() + " " + name + " step " + (s + 1) + " w[" + i + "]");
                        }
                    }
                }
            }
        }
    }
}
