package dev.fashion.bench;

import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Model;
import dev.fashion.nn.Rng;
import dev.fashion.nn.Workspace;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import dev.fashion.train.Normalization;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One inference pass of the reference model over a batch of real images (1,000 by default, the
 * evaluator's batch), on 1 or 2 threads. The images are normalised once in set-up, so this is the
 * forward pass alone. images/s = ops/s × images.
 */
@State(Scope.Thread)
public class InferenceBench extends BenchDefaults {

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"1000"})
    public int images;

    @Param({"1", "2"})
    public int threads;

    private Scheduler scheduler;
    private Workspace ws;
    private Layer.Context ctx;

    @Setup
    public void setup() {
        ImageDataset data = Inputs.trainImages();
        RunConfig config = ConfigLoader.loadDefault();
        Model model = ModelFactory.build(config);
        model.initialize(Rng.forPurpose(0, "init"));
        scheduler = new Scheduler(threads);
        ctx = new Layer.Context(new ParallelKernels(Inputs.kernels(impl), scheduler), null);
        ws = new Workspace(model, images);
        int[] indices = new int[images];
        for (int i = 0; i < images; i++) indices[i] = i % data.count();
        Normalization norm = Normalization.of(config.getData());
        data.fillBatch(indices, 0, images, ws.input(), norm.mean(), norm.std());
    }

    @TearDown
    public void tearDown() {
        scheduler.close();
    }

    @Benchmark
    public float[] forward() {
        return ws.forward(ctx, images, false);
    }
}
