package dev.fashion.train;

import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Model;
import dev.fashion.optim.Optimizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recipe pieces (AdamW, schedules, smoothing, augmentation, validation) in short real runs. */
class TrainingRecipeTest {
    private static ImageDataset train;
    private static ImageDataset test;

    @BeforeAll
    static void load() {
        train = FashionMnist.load(FashionMnist.Split.TRAIN).subset(0, 2_000);
        test = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 500);
    }

    /** The whole recipe: the same weights on 1 and 2 threads, and with scalar and vector kernels. */
    @Test
    void theRecipeIsBitIdenticalAcrossThreadsAndKernels() {
        RunConfig cfg = ResumeTest.recipe();
        cfg.getTraining().setEpochs(2);
        List<float[]> one = new ArrayList<>(), two = new ArrayList<>(), scalar = new ArrayList<>();
        List<EpochMetrics> h1 = TrainingTest.run(cfg, train, test, 1, one);
        List<EpochMetrics> h2 = TrainingTest.run(cfg, train, test, 2, two);
        List<EpochMetrics> hs = TrainingTest.run(cfg, train, test, 2, "scalar", scalar);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "parameter " + i + ", 1 vs 2 threads");
            assertArrayEquals(two.get(i), scalar.get(i), "parameter " + i + ", vector vs scalar");
        }
        assertEquals(h1, h2.stream().map(m -> withSeconds(m, h1.get(m.epoch() - 1))).toList());
        assertEquals(h1.get(1).validationAccuracy(), hs.get(1).validationAccuracy());
        assertNotNull(h1.get(0).validationAccuracy(), "validation measured");
        assertTrue(h1.get(1).lr() < 1e-6, "one-cycle ends near zero: " + h1.get(1).lr());
        assertTrue(h1.get(1).testAccuracy() > 0.6, "it learns: " + h1.get(1).testAccuracy());
    }

    /**
     * configs/mlp-best.yaml as shipped (batch norm over the features of fc1 and fc2, whose vector kernels run
     * across features): the same weights on 1 and 2 threads and with scalar and vector kernels.
     */
    @Test
    void theBestMlpIsBitIdenticalAcrossThreadsAndKernels() {
        RunConfig cfg = ConfigLoader.load(java.nio.file.Path.of("configs", "mlp-best.yaml"));
        cfg.getTraining().setEpochs(1);
        List<float[]> one = new ArrayList<>(), two = new ArrayList<>(), scalar = new ArrayList<>();
        List<EpochMetrics> h1 = TrainingTest.run(cfg, train, test, 1, one);
        List<EpochMetrics> h2 = TrainingTest.run(cfg, train, test, 2, two);
        List<EpochMetrics> hs = TrainingTest.run(cfg, train, test, 2, "scalar", scalar);
        assertEquals(10, one.size(), "fc1, bn1, fc2, bn2, fc3: weights and biases");
        // The test pass runs on the running statistics: the same loss to the bit too.
        assertEquals(h1.get(0).testLoss(), h2.get(0).testLoss());
        assertEquals(h1.get(0).testLoss(), hs.get(0).testLoss());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "parameter " + i + ", 1 vs 2 threads");
            assertArrayEquals(two.get(i), scalar.get(i), "parameter " + i + ", vector vs scalar");
        }
        assertTrue(h1.get(0).testAccuracy() > 0.6, "it learns: " + h1.get(0).testAccuracy());
    }

    private static EpochMetrics withSeconds(EpochMetrics m, EpochMetrics from) {
        return new EpochMetrics(m.epoch(), m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy(), from.seconds(),
                from.imagesPerSecond(), m.lr(), m.validationLoss(), m.validationAccuracy());
    }

    /** Each piece changes the run (none is silently ignored), and each run is repeatable. */
    @Test
    void everyPieceChangesTheWeights() {
        List<RunConfig> variants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RunConfig c = ResumeTest.recipe();
            c.getTraining().setEpochs(1);
            c.getTraining().setKeep("last");
            variants.add(c);
        }
        variants.get(1).setLabelSmoothing(0);
        variants.get(2).getData().getAugment().setFlip(0);
        variants.get(3).getOptimizer().setWeightDecay(0);
        variants.get(4).getSchedule().setType("constant");
        variants.get(5).getOptimizer().setNoDecay(List.of());
        Set<String> seen = new HashSet<>();
        for (RunConfig c : variants) {
            List<float[]> w = new ArrayList<>();
            TrainingTest.run(c, train, test, 2, w);
            assertTrue(seen.add(Arrays.toString(w.get(0))), "a variant trained the same weights as another: "
                    + ConfigLoader.toJson(c));
        }
    }

    @Test
    void biasesAndNormParametersCanBeExemptFromDecay() {
        RunConfig cfg = ResumeTest.recipe();
        Model model = ModelFactory.build(cfg);
        float[] all = Optimizer.decayPerParameter(model, 0.05f, Set.of());
        float[] noBias = Optimizer.decayPerParameter(model, 0.05f, Set.of("bias"));
        for (int i = 0; i < all.length; i++) {
            assertEquals(0.05f, all[i]);
            boolean bias = model.parameters().get(i).name().endsWith(".bias");
            assertEquals(bias ? 0f : 0.05f, noBias[i], model.parameters().get(i).name());
        }
    }

    @Test
    void theValidationSplitIsDisjointAndFromTheSeed() {
        ValidationSplit a = ValidationSplit.of(train, 300, 0, "data.validation");
        ValidationSplit b = ValidationSplit.of(train, 300, 0, "data.validation");
        ValidationSplit c = ValidationSplit.of(train, 300, 1, "data.validation");
        assertEquals(1_700, a.train().count());
        assertEquals(300, a.validation().count());
        Set<String> held = new HashSet<>();
        for (int i = 0; i < 300; i++) held.add(Arrays.toString(a.validation().image(i)));
        int overlap = 0;
        for (int i = 0; i < 1_700; i++) if (held.contains(Arrays.toString(a.train().image(i)))) overlap++;
        assertTrue(overlap <= 1, "validation images also trained on: " + overlap); // duplicates in the data aside
        assertArrayEquals(a.validation().labels(), b.validation().labels());
        assertArrayEquals(a.validation().image(17), b.validation().image(17));
        assertFalse(Arrays.equals(a.validation().labels(), c.validation().labels()), "another seed, another split");
        assertNull(ValidationSplit.of(train, 0, 0, "x").validation());
    }

    /**
     * A learning rate so small that validation accuracy mostly stands still: the run stops at the first
     * epoch two epochs past the best (the earliest of ties), and the kept weights are those a run of
     * exactly the best epoch's length ends with.
     */
    @Test
    void earlyStoppingAndKeepBest() {
        RunConfig cfg = ResumeTest.recipe();
        cfg.getTraining().setEpochs(8);
        cfg.getOptimizer().setLr(1e-7);
        cfg.getSchedule().setType("constant");
        var es = new dev.fashion.config.TrainingConfig.EarlyStopping();
        es.setPatience(2);
        cfg.getTraining().setEarlyStopping(es);
        try (var scheduler = new dev.fashion.parallel.Scheduler(2)) {
            var kernels = new dev.fashion.parallel.ParallelKernels(dev.fashion.kernels.KernelProvider.choose().kernels(), scheduler);
            Model model = ModelFactory.build(cfg);
            Trainer t = new Trainer(cfg, model, kernels);
            List<EpochMetrics> h = t.train(train, test, TrainingListener.NONE);
            assertTrue(h.size() < 8 && t.stoppedEarly(), "stopped early after " + h.size());
            int best = 0;
            for (EpochMetrics m : h) {
                if (best == 0 || m.validationAccuracy() > h.get(best - 1).validationAccuracy()) best = m.epoch();
                assertTrue(m.epoch() - best < 2 || m.epoch() == h.size(), "ran on after patience at " + m.epoch());
            }
            assertEquals(2, h.size() - best, "stops two epochs after the best");
            assertEquals(best, t.bestEpoch());
            assertEquals(best, t.best().epoch());
            t.best().copyInto(model);

            RunConfig shorter = ResumeTest.recipe();
            shorter.getTraining().setEpochs(best);
            shorter.getOptimizer().setLr(1e-7);
            shorter.getSchedule().setType("constant");
            shorter.getTraining().setKeep("last");
            List<float[]> w = new ArrayList<>();
            TrainingTest.run(shorter, train, test, 1, w);
            for (int i = 0; i < w.size(); i++) {
                assertArrayEquals(w.get(i), model.parameters().get(i).data(), "kept weights = epoch " + best + "'s, parameter " + i);
            }
        }
    }
}
