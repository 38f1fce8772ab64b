package dev.fashion.nn;

import dev.fashion.kernels.KernelProvider;
import dev.fashion.kernels.Kernels;
import dev.fashion.kernels.ScalarKernels;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A fused plan (ReLU inside linear sweeps, log_softmax gradient from the loss) computes what the plain one does. */
class FusionTest {

    static Model model() {
        return new Model(new Shape(1, 5, 7), List.of(new Flatten("flat"), new Linear("fc1", 0, 19, true),
                new Relu("r1"), new Linear("fc2", 0, 13, true), new Relu("r2"), new Dropout("drop", 0.25f),
                new Linear("fc3", 0, 11, false), new Relu("r3"), new Linear("fc4", 0, 10, true), new LogSoftmax("out")));
    }

    /** A flatten between trainable layers: its gradient must pass through the shared buffer. */
    static Model midFlatten() {
        return new Model(new Shape(1, 5, 7), List.of(new Flatten("flat"), new Linear("fc1", 0, 19, true),
                new Relu("r1"), new Flatten("mid"), new Linear("fc2", 0, 10, true), new LogSoftmax("out")));
    }

    /** Output and parameter gradients of one step with the given plan. */
    static List<float[]> step(Supplier<Model> model, Kernels kernels, boolean fuse, int n) {
        Model m = model.get();
        m.initialize(new Rng(5));
        try (Scheduler s = new Scheduler(2)) {
            Layer.Context ctx = new Layer.Context(new ParallelKernels(kernels, s), new Rng(9));
            Workspace ws = new Workspace(m, n, fuse);
            Random r = new Random(3);
            for (int i = 0; i < n * 35; i++) ws.input()[i] = (float) r.nextGaussian();
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = r.nextInt(10);
            float[] out = ws.forward(ctx, n, true);
            Loss.NLL.evaluate(out, labels, n, 10, new float[n], ws.outputGrad(), ws.lossGradientIsForLogits());
            ws.backward(ctx, n);
            List<float[]> result = new ArrayList<>();
            float[] o = new float[n * 10];
            System.arraycopy(out, 0, o, 0, o.length);
            result.add(o);
            for (Parameter p : m.parameters()) result.add(p.grad().clone());
            return result;
        }
    }

    @Test
    void fusedAndPlainPlansAgree() {
        plansAgree(FusionTest::model);
    }

    private static void plansAgree(Supplier<Model> model) {
        for (Kernels k : List.of(new ScalarKernels(), KernelProvider.choose().kernels())) {
            for (int n : new int[]{1, 7, 33}) {
                List<float[]> plain = step(model, k, false, n);
                List<float[]> fused = step(model, k, true, n);
                assertArrayEquals(plain.get(0), fused.get(0), k.name() + ": forward is bit-identical, n=" + n);
                for (int i = 1; i < plain.size(); i++) {
                    float[] a = plain.get(i), b = fused.get(i);
                    for (int j = 0; j < a.length; j++) {
                        assertEquals(a[j], b[j], 1e-6f + 1e-5f * Math.abs(a[j]), k.name() + " grad " + i + "[" + j + "] n=" + n);
                    }
                }
            }
        }
    }

    @Test
    void aFlattenBetweenTrainableLayersIsAViewBothWays() {
        plansAgree(FusionTest::midFlatten);
    }

    @Test
    void fusedReluSharesItsBuffer() {
        Workspace ws = new Workspace(model(), 4, true);
        assertEquals(true, ws.lossGradientIsForLogits());
    }
}
