package dev.fashion.bench;

import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Rng;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import dev.fashion.train.TrainStep;
import dev.fashion.train.Trainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole training step of the reference model (configs/mlp.yaml: gather and normalise a batch of real
 * Fashion-MNIST images, forward, NLL loss, backward, Adam) on the project's own pool of 1 or 2 threads,
 * walking through a shuffled epoch. images/s = ops/s × batch.
 */
@State(Scope.Thread)
public class TrainStepBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"64", "256"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private ImageDataset data;
    private Scheduler scheduler;
    private TrainStep step;
    private int[] order;
    private int offset;

    @Setup
    public void setup() {
        data = Inputs.trainImages();
        RunConfig config = ConfigLoader.loadDefault();
        scheduler = new Scheduler(threads);
        Trainer trainer = new Trainer(config, ModelFactory.build(config),
                new ParallelKernels(Inputs.kernels(impl), scheduler));
        step = trainer.newStep(batch);
        order = new int[data.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Rng.forPurpose(0, "shuffle").shuffle(order);
    }

    @TearDown
    public void tearDown() {
        scheduler.close();
    }

    @Benchmark
    public double step() {
        if (offset + batch > order.length) offset = 0;
        double loss = step.run(data, order, offset, batch);
        offset += batch;
        return loss;
    }
}
