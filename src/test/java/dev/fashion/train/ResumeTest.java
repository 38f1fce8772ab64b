package dev.fashion.train;

import dev.fashion.FashionException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping and resuming, at several points, ends with the weights of a run that never stopped. */
class ResumeTest {
    private static ImageDataset train;
    private static ImageDataset test;
    private static Scheduler scheduler;
    private static ParallelKernels kernels;

    @BeforeAll
    static void load() {
        train = FashionMnist.load(FashionMnist.Split.TRAIN).subset(0, 2_000); // 32 steps of 64, the last partial
        test = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 500);
        scheduler = new Scheduler(2);
        kernels = new ParallelKernels(KernelProvider.choose().kernels(), scheduler);
    }

    @AfterAll
    static void close() {
        scheduler.close();
    }

    /** The reference MLP with dropout after the first two hidden layers. */
    static RunConfig withDropout(String optimizer) {
        RunConfig cfg = ConfigLoader.loadDefault();
        cfg.getTraining().setEpochs(3);
        List<LayerConfig> layers = new ArrayList<>(cfg.getModel().getLayers());
        layers.add(5, new LayerConfig("dropout", null, null, null, null, 0.3f));
        layers.add(3, new LayerConfig("dropout", null, null, null, null, 0.2f));
        cfg.getModel().setLayers(layers);
        cfg.getOptimizer().setType(optimizer);
        if (optimizer.equals("sgd")) {
            cfg.getOptimizer().setLr(0.05);
            cfg.getOptimizer().setMomentum(0.9);
        }
        return cfg;
    }

    @Test
    void sgdWithMomentumResumesExactly(@TempDir Path tmp) {
        assertResumesExactly(withDropout("sgd"), tmp);
    }

    @Test
    void adamResumesExactly(@TempDir Path tmp) {
        assertResumesExactly(withDropout("adam"), tmp);
    }

    /**
     * The training-recipe pieces together: AdamW with bias decay exempt, one-cycle, cross-entropy with
     * label smoothing on raw logits, shift-and-flip augmentation, a validation split and keep: best.
     */
    static RunConfig recipe() {
        RunConfig cfg = withDropout("adamw");
        List<LayerConfig> layers = new ArrayList<>(cfg.getModel().getLayers());
        layers.remove(layers.size() - 1); // logits: cross_entropy applies log-softmax itself
        cfg.getModel().setLayers(layers);
        cfg.setLoss("cross_entropy");
        cfg.setLabelSmoothing(0.1);
        cfg.getOptimizer().setLr(2e-3);
        cfg.getOptimizer().setWeightDecay(0.05);
        cfg.getOptimizer().setNoDecay(List.of("bias"));
        cfg.getSchedule().setType("one_cycle");
        cfg.getSchedule().setPctStart(0.3);
        var augment = new dev.fashion.config.DataConfig.Augment();
        augment.setShift(2);
        augment.setFlip(0.5);
        cfg.getData().setAugment(augment);
        cfg.getData().setValidation(300);
        cfg.getTraining().setKeep("best");
        return cfg;
    }

    @Test
    void theTrainingRecipeResumesExactly(@TempDir Path tmp) {
        assertResumesExactly(recipe(), tmp);
    }

    /** The checkpoint carries the learning rate of its last step and the best epoch's weights. */
    @Test
    void theCheckpointHoldsTheLearningRateAndTheBestWeights(@TempDir Path tmp) {
        RunConfig cfg = recipe();
        cfg.getTraining().setEpochs(2);
        Path file = tmp.resolve(Checkpoint.FILE);
        Trainer t = new Trainer(cfg, ModelFactory.build(cfg), kernels);
        stopAt(t, 40, file); // epoch 2 of 27-step epochs (1,700 images)
        Checkpoint cp = Checkpoint.read(file);
        var schedule = new dev.fashion.optim.LrSchedule(cfg.getSchedule(), 2e-3, 27, 2);
        assertEquals(schedule.lr(39), cp.lr(), "the rate of step 40");
        assertEquals(t.optimizer().lr(), cp.lr());
        Trainer resumed = resumed(cfg, file);
        assertEquals(1, resumed.best().epoch(), "best epoch restored");
        assertEquals(schedule.lr(39), resumed.optimizer().lr());

        RunConfig longer = recipe();
        longer.getTraining().setEpochs(5);
        FashionException e = assertThrows(FashionException.class, () -> cp.checkResumableWith(longer));
        assertTrue(e.getMessage().contains("the one_cycle schedule spans the run"), e.getMessage());
    }

    /** Stops mid-epoch, after an epoch's last step (before its evaluation) and mid-epoch again, resuming each time. */
    private static void assertResumesExactly(RunConfig cfg, Path tmp) {
        Trainer reference = new Trainer(cfg, ModelFactory.build(cfg), kernels);
        List<EpochMetrics> expected = reference.train(train, test, TrainingListener.NONE);

        Path file = tmp.resolve(Checkpoint.FILE);
        Trainer first = new Trainer(cfg, ModelFactory.build(cfg), kernels);
        stopAt(first, 13, file);
        for (long stopStep : new long[]{32, 77}) {
            Trainer resumed = resumed(cfg, file);
            stopAt(resumed, stopStep, file);
        }
        Trainer last = resumed(cfg, file);
        List<EpochMetrics> actual = last.train(train, test, TrainingListener.NONE);

        assertWeightsEqual(reference.model(), last.model());
        assertEquals(reference.optimizer().steps(), last.optimizer().steps());
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).trainLoss(), actual.get(i).trainLoss(), "epoch " + (i + 1) + " train loss");
            assertEquals(expected.get(i).testLoss(), actual.get(i).testLoss(), "epoch " + (i + 1) + " test loss");
        }
    }

    private static Trainer resumed(RunConfig cfg, Path file) {
        Checkpoint cp = Checkpoint.read(file);
        cp.checkResumableWith(cfg);
        Trainer t = new Trainer(cp.config(), ModelFactory.build(cp.config()), kernels);
        t.resumeFrom(cp);
        return t;
    }

    private static void stopAt(Trainer t, long step, Path file) {
        t.checkpointTo(file, 0);
        t.stopWhen(() -> t.optimizer().steps() == step);
        assertThrows(TrainingStopped.class, () -> t.train(train, test, TrainingListener.NONE));
        assertEquals(step, Checkpoint.read(file).optimizerSteps());
    }

    static void assertWeightsEqual(Model expected, Model actual) {
        for (Parameter p : expected.parameters()) {
            assertArrayEquals(p.data(), actual.parameter(p.name()).data(), p.name() + " differs after resuming");
        }
    }

    @Test
    void aCheckpointEveryNStepsAndAfterEachEpoch(@TempDir Path tmp) {
        RunConfig cfg = withDropout("adam");
        cfg.getTraining().setEpochs(1);
        Path file = tmp.resolve(Checkpoint.FILE);
        Trainer t = new Trainer(cfg, ModelFactory.build(cfg), kernels);
        t.checkpointTo(file, 10);
        List<Long> seen = new ArrayList<>();
        t.train(train, test, new TrainingListener() {
            @Override
            public void batch(int epoch, int done, int total, double meanLoss, long imagesSeen, double seconds) {
                if (Files.exists(file)) seen.add(Checkpoint.read(file).optimizerSteps());
            }
        });
        assertEquals(List.of(10L, 20L, 30L), seen.stream().distinct().toList());
        Checkpoint end = Checkpoint.read(file);
        assertEquals(32, end.optimizerSteps());
        assertEquals(2, end.state().epoch());
        assertEquals(1, end.state().history().size());
    }

    @Test
    void aDifferentModelOrBatchSizeIsRefusedByName(@TempDir Path tmp) {
        RunConfig cfg = withDropout("adam");
        Path file = tmp.resolve(Checkpoint.FILE);
        Trainer t = new Trainer(cfg, ModelFactory.build(cfg), kernels);
        stopAt(t, 5, file);
        Checkpoint cp = Checkpoint.read(file);

        RunConfig wider = withDropout("adam");
        List<LayerConfig> layers = new ArrayList<>(wider.getModel().getLayers());
        layers.set(4, new LayerConfig("linear", "fc2", null, 64, null, null));
        wider.getModel().setLayers(layers);
        FashionException e = assertThrows(FashionException.class, () -> cp.checkResumableWith(wider));
        assertTrue(e.getMessage().contains("changes the model (model.layers[4].out is 64, the checkpoint's is 128)"), e.getMessage());

        RunConfig batch = withDropout("adam");
        batch.getTraining().setBatchSize(32);
        e = assertThrows(FashionException.class, () -> cp.checkResumableWith(batch));
        assertTrue(e.getMessage().contains("training.batch_size is 32, the checkpoint's is 64"), e.getMessage());

        RunConfig longer = withDropout("adam");
        longer.getTraining().setEpochs(10);
        longer.getOptimizer().setLr(0.001);
        cp.checkResumableWith(longer); // more epochs or another learning rate: allowed
    }
}
