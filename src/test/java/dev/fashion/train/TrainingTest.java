package dev.fashion.train;

import dev.fashion.config.ConfigLoader;
import dev.fashion.config.LayerConfig;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.kernels.KernelProvider;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short real runs on the bundled Fashion-MNIST. */
class TrainingTest {
    private static ImageDataset train;
    private static ImageDataset test;

    @BeforeAll
    static void load() {
        train = FashionMnist.load(FashionMnist.Split.TRAIN);
        test = FashionMnist.load(FashionMnist.Split.TEST);
    }

    static List<EpochMetrics> run(RunConfig cfg, ImageDataset trainSet, ImageDataset testSet, int threads, List<float[]> weightsOut) {
        return run(cfg, trainSet, testSet, threads, "auto", weightsOut);
    }

    static List<EpochMetrics> run(RunConfig cfg, ImageDataset trainSet, ImageDataset testSet, int threads,
                                  String kernelChoice, List<float[]> weightsOut) {
        try (Scheduler scheduler = new Scheduler(threads)) {
            ParallelKernels kernels = new ParallelKernels(KernelProvider.choose(kernelChoice).kernels(), scheduler);
            Model model = ModelFactory.build(cfg);
            List<EpochMetrics> history = new Trainer(cfg, model, kernels).train(trainSet, testSet, TrainingListener.NONE);
            for (Parameter p : model.parameters()) weightsOut.add(p.data().clone());
            return history;
        }
    }

    @Test
    void onePassOverTenThousandImagesLearns() {
        RunConfig cfg = ConfigLoader.loadDefault();
        cfg.getTraining().setEpochs(1);
        List<EpochMetrics> h = run(cfg, train.subset(0, 10_000), test, Scheduler.defaultThreads(), new ArrayList<>());
        EpochMetrics m = h.get(0);
        assertTrue(m.testAccuracy() >= 0.75, "test accuracy after one pass over 10k images: " + m.testAccuracy());
        assertTrue(m.trainLoss() < 1.0, "train loss " + m.trainLoss());
        assertTrue(m.testLoss() < 0.8, "test loss " + m.testLoss());
    }

    @Test
    void weightsAreBitIdenticalForOneAndTwoThreads() {
        for (int batch : new int[]{64, 200}) {
            RunConfig cfg = ConfigLoader.loadDefault();
            cfg.getTraining().setEpochs(2);
            cfg.getTraining().setBatchSize(batch);
            // Dropout too: its mask must not depend on the thread count either.
            List<LayerConfig> layers = new ArrayList<>(cfg.getModel().getLayers());
            layers.add(3, new LayerConfig("dropout", null, null, null, null, 0.2f));
            cfg.getModel().setLayers(layers);
            ImageDataset subset = train.subset(0, 9_000); // 141 steps of 64 per epoch, the last one partial
            ImageDataset small = test.subset(0, 1_000);
            List<float[]> one = new ArrayList<>();
            List<float[]> two = new ArrayList<>();
            List<EpochMetrics> h1 = run(cfg, subset, small, 1, one);
            List<EpochMetrics> h2 = run(cfg, subset, small, 2, two);
            assertEquals(one.size(), two.size());
            for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i), "parameter " + i + ", batch " + batch);
            assertEquals(h1.get(1).trainLoss(), h2.get(1).trainLoss());
        }
    }

    /**
     * The vector kernels do the scalar baseline's arithmetic (FMA chains in k order, the same exp), so a
     * run is the same run on either: identical weights, hence identical accuracy. Batch 64 over 2,000
     * images ends on a partial batch of 16; dropout is in for its masks.
     */
    @Test
    void scalarAndVectorKernelsTrainBitIdenticalWeights() {
        RunConfig cfg = ConfigLoader.loadDefault();
        cfg.getTraining().setEpochs(1);
        List<LayerConfig> layers = new ArrayList<>(cfg.getModel().getLayers());
        layers.add(3, new LayerConfig("dropout", null, null, null, null, 0.2f));
        cfg.getModel().setLayers(layers);
        ImageDataset subset = train.subset(0, 2_000);
        ImageDataset small = test.subset(0, 500);
        List<float[]> scalar = new ArrayList<>();
        List<float[]> vector = new ArrayList<>();
        List<EpochMetrics> hs = run(cfg, subset, small, 2, "scalar", scalar);
        List<EpochMetrics> hv = run(cfg, subset, small, 2, "vector", vector);
        for (int i = 0; i < scalar.size(); i++) assertArrayEquals(scalar.get(i), vector.get(i), "parameter " + i);
        assertEquals(hs.get(0).trainLoss(), hv.get(0).trainLoss());
        assertEquals(hs.get(0).testAccuracy(), hv.get(0).testAccuracy());
    }

    @Test
    void aJitWarmupBesideTrainingChangesNothing() {
        RunConfig cfg = ConfigLoader.loadDefault();
        cfg.getTraining().setEpochs(1);
        ImageDataset subset = train.subset(0, 3_000);
        ImageDataset small = test.subset(0, 1_000);
        List<float[]> plain = new ArrayList<>();
        run(cfg, subset, small, 2, plain);
        List<float[]> warmed = new ArrayList<>();
        try (Scheduler scheduler = new Scheduler(2)) {
            ParallelKernels kernels = new ParallelKernels(KernelProvider.choose().kernels(), scheduler);
            // Overlapping the real run on purpose: the shared kernels must keep no state between calls.
            JitWarmup warmup = JitWarmup.start(cfg, kernels, 40); // not fitted to the run: this one is short
            Model model = ModelFactory.build(cfg);
            new Trainer(cfg, model, kernels).train(subset, small, TrainingListener.NONE);
            warmup.await();
            // At least the 40 asked; more in whole 25-step windows while they allocate, never past 10x.
            int done = warmup.stepsDone();
            assertTrue(done >= 40 && done <= 400 && (done - 40) % 25 == 0, "warm-up steps: " + done);
            for (Parameter p : model.parameters()) warmed.add(p.data().clone());
        }
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i), warmed.get(i), "parameter " + i);
    }

    @Test
    void sgdWithMomentumTrainsToo() {
        RunConfig cfg = ConfigLoader.loadDefault();
        cfg.getTraining().setEpochs(1);
        cfg.getOptimizer().setType("sgd");
        cfg.getOptimizer().setLr(0.05);
        cfg.getOptimizer().setMomentum(0.9);
        List<EpochMetrics> h = run(cfg, train.subset(0, 5_000), test.subset(0, 2_000), 2, new ArrayList<>());
        assertTrue(h.get(0).testAccuracy() > 0.65, "sgd accuracy " + h.get(0).testAccuracy());
    }

    /** Runs in the surefire execution without the incubator module: the scalar path must train. */
    @Test
    @Tag("fallback")
    void trainsOnWhateverKernelsThisJvmHas() {
        String required = System.getProperty("fashion.test.requireKernels");
        if (required != null) assertEquals(required, KernelProvider.choose().kernels().name());
        RunConfig cfg = ConfigLoader.loadDefault();
        cfg.getTraining().setEpochs(1);
        List<EpochMetrics> h = run(cfg, train.subset(0, 3_000), test.subset(0, 2_000), 2, new ArrayList<>());
        assertTrue(h.get(0).testAccuracy() > 0.6, "accuracy " + h.get(0).testAccuracy());
    }
}
