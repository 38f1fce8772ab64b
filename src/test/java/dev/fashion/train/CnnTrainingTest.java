package dev.fashion.train;

import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.io.ModelWeights;
import dev.fashion.io.NamedTensor;
import dev.fashion.kernels.KernelProvider;
import dev.fashion.nn.Model;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short real runs of small CNNs on the bundled Fashion-MNIST: they learn, their weights and running
 * statistics do not depend on the thread count or the kernels, and a resumed run is the same run.
 */
class CnnTrainingTest {
    private static ImageDataset train;
    private static ImageDataset test;

    /** The reference CNN's structure at a fraction of its width: every new layer, dropout after a convolution. */
    static final String TINY = """
            model:
              input: [1, 28, 28]
              layers:
                - {type: conv2d, name: conv1, out: 6, kernel: 3, padding: 1, bias: false}
                - {type: batch_norm, name: bn1}
                - {type: relu}
                - {type: max_pool, name: pool1, kernel: 2}
                - {type: dropout, p: 0.1}
                - {type: conv2d, name: conv2, out: 10, kernel: [3, 3], stride: 2, padding: 1}
                - {type: batch_norm, name: bn2}
                - {type: relu}
                - {type: avg_pool, name: pool2, kernel: 2, stride: 1}
                - {type: flatten}
                - {type: linear, name: fc1, out: 24}
                - {type: batch_norm, name: bn3}
                - {type: relu}
                - {type: linear, name: fc2, out: 10}
            loss: cross_entropy
            optimizer: {type: adam, lr: 0.003}
            training: {epochs: 2, batch_size: 50, seed: 3}
            data: {normalize: {mean: 0.2860, std: 0.3530}}
            """;

    @BeforeAll
    static void load() {
        train = FashionMnist.load(FashionMnist.Split.TRAIN).subset(0, 610); // 13 steps of 50 per epoch, the last of 10
        test = FashionMnist.load(FashionMnist.Split.TEST).subset(0, 500);
    }

    static RunConfig tiny() {
        return ConfigLoader.parse(TINY.getBytes(StandardCharsets.UTF_8), "tiny-cnn.yaml", false);
    }

    private record Run(Model model, List<EpochMetrics> history) {
    }

    private static Run run(RunConfig cfg, int threads, String kernelChoice) {
        try (Scheduler scheduler = new Scheduler(threads)) {
            ParallelKernels kernels = new ParallelKernels(KernelProvider.choose(kernelChoice).kernels(), scheduler);
            Model model = ModelFactory.build(cfg);
            List<EpochMetrics> h = new Trainer(cfg, model, kernels).train(train, test, TrainingListener.NONE);
            return new Run(model, h);
        }
    }

    @Test
    void aTinyCnnLearnsFromAFewHundredImages() {
        Run r = run(tiny(), 2, "auto");
        EpochMetrics last = r.history().get(1);
        assertTrue(last.testAccuracy() >= 0.6, "test accuracy after 2 epochs over 610 images: " + last.testAccuracy());
        assertTrue(last.trainLoss() < r.history().get(0).trainLoss(), "train loss did not fall: " + r.history());
        assertEquals(2 * 13, r.model().buffer("bn1.num_batches_tracked").count());
    }

    @Test
    void weightsAndRunningStatisticsAreBitIdenticalForThreadsAndKernels() {
        RunConfig cfg = tiny();
        cfg.getTraining().setEpochs(1); // 13 steps, the last a partial batch of 10
        Run one = run(cfg, 1, "vector");
        Run two = run(cfg, 2, "vector");
        Run scalar = run(cfg, 2, "scalar");
        List<NamedTensor> a = ModelWeights.stateTensors(one.model());
        List<NamedTensor> b = ModelWeights.stateTensors(two.model());
        List<NamedTensor> c = ModelWeights.stateTensors(scalar.model());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i), b.get(i), a.get(i).name() + ": 1 against 2 threads");
            assertEquals(a.get(i), c.get(i), a.get(i).name() + ": vector against scalar kernels");
        }
        assertEquals(one.history().get(0).testLoss(), two.history().get(0).testLoss());
        assertEquals(one.history().get(0).testLoss(), scalar.history().get(0).testLoss());
    }

    @Test
    void resumesExactlyWithRunningStatistics(@TempDir Path tmp) {
        RunConfig cfg = tiny();
        try (Scheduler scheduler = new Scheduler(2)) {
            ParallelKernels kernels = new ParallelKernels(KernelProvider.choose().kernels(), scheduler);
            Trainer reference = new Trainer(cfg, ModelFactory.build(cfg), kernels);
            reference.train(train, test, TrainingListener.NONE);

            Path file = tmp.resolve(Checkpoint.FILE);
            Trainer first = new Trainer(cfg, ModelFactory.build(cfg), kernels);
            first.checkpointTo(file, 0);
            first.stopWhen(() -> first.optimizer().steps() == 17);
            assertThrows(TrainingStopped.class, () -> first.train(train, test, TrainingListener.NONE));

            Checkpoint cp = Checkpoint.read(file);
            cp.checkResumableWith(cfg);
            Trainer resumed = new Trainer(cp.config(), ModelFactory.build(cp.config()), kernels);
            resumed.resumeFrom(cp);
            assertEquals(17, resumed.model().buffer("bn2.num_batches_tracked").count());
            resumed.train(train, test, TrainingListener.NONE);
            List<NamedTensor> want = ModelWeights.stateTensors(reference.model());
            List<NamedTensor> got = ModelWeights.stateTensors(resumed.model());
            for (int i = 0; i < want.size(); i++) assertEquals(want.get(i), got.get(i), want.get(i).name() + " after resuming");
        }
    }

    /**
     * {@code keep: best} keeps the whole state of the best validation epoch: the running statistics with
     * the weights, so the kept model evaluates as that epoch did.
     */
    @Test
    void keepBestKeepsTheRunningStatisticsOfTheBestEpoch() {
        RunConfig cfg = tiny();
        cfg.getTraining().setEpochs(3);
        cfg.getData().setValidation(110);
        cfg.getTraining().setKeep("best");
        try (Scheduler scheduler = new Scheduler(2)) {
            ParallelKernels kernels = new ParallelKernels(KernelProvider.choose().kernels(), scheduler);
            Model model = ModelFactory.build(cfg);
            Trainer t = new Trainer(cfg, model, kernels);
            t.train(train, test, TrainingListener.NONE);
            int best = t.best().epoch();
            assertTrue(best >= 1 && best <= 3, "best epoch " + best);
            t.best().copyInto(model);

            RunConfig exact = tiny();
            exact.getTraining().setEpochs(best);
            exact.getData().setValidation(110);
            Model reference = ModelFactory.build(exact);
            new Trainer(exact, reference, kernels).train(train, test, TrainingListener.NONE);
            List<NamedTensor> want = ModelWeights.stateTensors(reference);
            List<NamedTensor> got = ModelWeights.stateTensors(model);
            for (int i = 0; i < want.size(); i++) assertEquals(want.get(i), got.get(i), want.get(i).name() + " of epoch " + best);
        }
    }

    /** The bundled reference CNN: the script's module names, shapes and dtypes, and its parameter count. */
    @Test
    void theReferenceConfigHasPyTorchsStateDict() {
        RunConfig cfg = ConfigLoader.load(Path.of("configs/cnn.yaml")); // tests run in the project directory
        Model model = ModelFactory.build(cfg);
        StringBuilder sb = new StringBuilder();
        for (NamedTensor t : ModelWeights.stateTensors(model)) {
            sb.append(t.name()).append(' ').append(t.dtype()).append(java.util.Arrays.toString(t.shape())).append('\n');
        }
        assertEquals("""
                conv1.weight F32[32, 1, 3, 3]
                bn1.weight F32[32]
                bn1.bias F32[32]
                bn1.running_mean F32[32]
                bn1.running_var F32[32]
                bn1.num_batches_tracked I64[]
                conv2.weight F32[64, 32, 3, 3]
                bn2.weight F32[64]
                bn2.bias F32[64]
                bn2.running_mean F32[64]
                bn2.running_var F32[64]
                bn2.num_batches_tracked I64[]
                fc1.weight F32[128, 3136]
                fc1.bias F32[128]
                fc2.weight F32[10, 128]
                fc2.bias F32[10]
                """, sb.toString());
        assertEquals(288 + 64 + 18_432 + 128 + 401_536 + 1_290, model.parameterCount()); // as PyTorch counts: 421,738
        assertEquals(128, cfg.getTraining().getBatchSize());
    }

    @Test
    void aModelFileWithTheWrongDtypeOrShapeIsRefusedNamingTheTensor(@TempDir Path tmp) {
        RunConfig cfg = tiny();
        Model model = ModelFactory.build(cfg);
        Path good = tmp.resolve("good.safetensors");
        ModelWeights.save(model, good, java.util.Map.of());
        ModelWeights.load(ModelFactory.build(cfg), good);

        List<NamedTensor> tensors = new java.util.ArrayList<>(ModelWeights.stateTensors(model));
        int i = indexOf(tensors, "bn1.num_batches_tracked");
        tensors.set(i, new NamedTensor("bn1.num_batches_tracked", new int[0], new float[] {3f}));
        Path f32 = tmp.resolve("f32.safetensors");
        dev.fashion.io.Safetensors.write(f32, tensors, java.util.Map.of());
        dev.fashion.FashionException e = assertThrows(dev.fashion.FashionException.class, () -> ModelWeights.load(model, f32));
        assertEquals(f32 + ": bn1.num_batches_tracked: expected dtype I64, found a float type", e.getMessage());

        tensors = new java.util.ArrayList<>(ModelWeights.stateTensors(model));
        i = indexOf(tensors, "bn2.running_var");
        tensors.set(i, new NamedTensor("bn2.running_var", new int[] {1, 10}, new float[10]));
        Path shape = tmp.resolve("shape.safetensors");
        dev.fashion.io.Safetensors.write(shape, tensors, java.util.Map.of());
        e = assertThrows(dev.fashion.FashionException.class, () -> ModelWeights.load(model, shape));
        assertEquals(shape + ": bn2.running_var: expected [10], found [1, 10]", e.getMessage());

        tensors = new java.util.ArrayList<>(ModelWeights.stateTensors(model));
        tensors.remove(indexOf(tensors, "bn1.running_mean"));
        Path missing = tmp.resolve("missing.safetensors");
        dev.fashion.io.Safetensors.write(missing, tensors, java.util.Map.of());
        e = assertThrows(dev.fashion.FashionException.class, () -> ModelWeights.load(model, missing));
        assertEquals(missing + ": missing tensor bn1.running_mean [6]", e.getMessage());
    }

    private static int indexOf(List<NamedTensor> tensors, String name) {
        for (int i = 0; i < tensors.size(); i++) if (tensors.get(i).name().equals(name)) return i;
        throw new AssertionError(name);
    }
}
