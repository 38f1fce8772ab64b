package dev.fashion.train;

import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Rng;
import dev.fashion.nn.Workspace;

import java.util.ArrayList;
import java.util.List;

/**
 * Times training steps of a model in the steady state: warm up until the JIT has compiled the kernels,
 * then time a run of steps twice, once bare (for the headline rate) and once with per-layer timers
 * (for the breakdown; the timers cost a few nanoseconds per layer).
 */
public final class StepBenchmark {

    /** One row of the breakdown: a phase, its time per step, its FLOPs per step. */
    public record Phase(String name, double millisPerStep, double share, long flopsPerStep) {
        public double gflops() {
            return flopsPerStep == 0 || millisPerStep == 0 ? 0 : flopsPerStep / (millisPerStep * 1e6);
        }
    }

    /** What a benchmark measured. */
    public record Result(int batch, int threads, String kernels, int warmupSteps, double warmupSeconds, int steps,
                         double seconds, long flopsPerStep, List<Phase> phases, long allocatedBytesPerStep) {
        public double millisPerStep() {
            return 1000 * seconds / steps;
        }

        public double imagesPerSecond() {
            return (double) batch * steps / seconds;
        }

        public double secondsPerEpoch(int epochImages) {
            return epochImages / imagesPerSecond();
        }

        public double gflops() {
            return flopsPerStep * steps / seconds / 1e9;
        }
    }

    /** Extra warm-up steps are run in windows of this many, at most this many windows. */
    private static final int WINDOW = 50, MAX_EXTRA_WINDOWS = 40;

    private StepBenchmark() {
    }

    /**
     * Runs {@code warmup} untimed steps (and more, up to 2,000, until a window of them allocates nothing),
     * then {@code steps} timed ones, over shuffled batches of
     * {@code data} (which wraps around).
     */
    public static Result run(Trainer trainer, RunConfig config, ImageDataset data, int warmup, int steps,
                             String kernels, int threads) {
        int batch = config.getTraining().getBatchSize();
        TrainStep step = trainer.newStep(batch);
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(config.getTraining().getSeed()).shuffle(order);
        int batches = order.length / batch;
        if (batches == 0) throw new IllegalArgumentException("need at least one full batch of " + batch + " images");

        // The counter allocates a little itself (thread id and byte arrays): measure that and take it off.
        long counterBytes = -AllocationCounter.allocatedBytes();
        counterBytes += AllocationCounter.allocatedBytes();

        long w0 = System.nanoTime();
        int warmed = 0;
        for (; warmed < warmup; warmed++) step.run(data, order, (warmed % batches) * batch, batch);
        // Then on until a whole window of steps allocates nothing: until then some kernel still runs
        // code the JIT has not finished (C1 code boxes every vector), or was sent back to the interpreter,
        // and the timed run would measure the compiler. With two busy cores C2 can lag a fixed count.
        if (warmup > 0) {
            for (int window = 0; window < MAX_EXTRA_WINDOWS; window++) {
                long before = AllocationCounter.allocatedBytes();
                for (int s = 0; s < WINDOW; s++, warmed++) step.run(data, order, (warmed % batches) * batch, batch);
                if (before < 0 || AllocationCounter.allocatedBytes() - before - counterBytes <= 0) break;
            }
        }
        double warmupSeconds = (System.nanoTime() - w0) / 1e9;

        long alloc0 = AllocationCounter.allocatedBytes();
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) step.run(data, order, (s % batches) * batch, batch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long alloc = Math.max(0, AllocationCounter.allocatedBytes() - alloc0 - counterBytes);

        StepProfile profile = new StepProfile(trainer.model());
        step.profile(profile);
        for (int s = 0; s < steps; s++) step.run(data, order, (s % batches) * batch, batch);
        step.profile(null);

        List<Phase> phases = phases(profile, step.workspace(), batch, trainer.optimizer().type());
        long flops = phases.stream().mapToLong(Phase::flopsPerStep).sum();
        return new Result(batch, threads, kernels, warmed, warmupSeconds, steps, seconds, flops, phases,
                alloc0 < 0 ? -1 : alloc / steps);
    }

    private static List<Phase> phases(StepProfile p, Workspace ws, int batch, String optimizer) {
        double total = p.totalNanos();
        double steps = p.steps();
        List<Phase> out = new ArrayList<>();
        out.add(phase("data (gather, normalise)", p.dataNanos(), total, steps, 0));
        List<Layer> layers = p.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            out.add(phase(l.name() + " forward", p.forwardNanos(i), total, steps, l.forwardFlops(batch)));
        }
        out.add(phase("loss", p.lossNanos(), total, steps, 0));
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            if (p.backwardNanos(i) == 0) continue; // layers before the first parameter do no backward work
            out.add(phase(l.name() + " backward", p.backwardNanos(i), total, steps,
                    l.backwardFlops(batch, ws.needsInputGradient(i))));
        }
        out.add(phase("optimizer (" + optimizer + ")", p.optimizerNanos(), total, steps, 0));
        return out;
    }

    private static Phase phase(String name, long nanos, double total, double steps, long flops) {
        return new Phase(name, nanos / steps / 1e6, total == 0 ? 0 : nanos / total, flops);
    }
}
