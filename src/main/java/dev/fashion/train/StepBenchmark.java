package dev.fashion.train;

import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Rng;
import dev.fashion.nn.Workspace;
import dev.fashion.parallel.AllocationCounter;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.PeakRate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

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

    /**
     * What a benchmark measured. {@code allocatedBytesPerStep} is over the timed steps and
     * {@code profiledBytesPerStep} over the as many profiled steps after them (-1: the JVM cannot count):
     * a step that allocates shows in both, a one-off in the first only (C2 still replacing code there).
     */
    public record Result(int batch, int threads, String kernels, int warmupSteps, double warmupSeconds, int steps,
                         double seconds, long flopsPerStep, List<Phase> phases, long allocatedBytesPerStep,
                         long profiledBytesPerStep) {
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

    /** A step over shuffled batches of a dataset that wraps around: what every measurement here runs. */
    private static final class Stepper {
        final TrainStep step;
        final ImageDataset data;
        final int[] order;
        final int batch, batches;
        final String optimizer;
        int next;

        Stepper(Trainer trainer, RunConfig config, ImageDataset data) {
            this.batch = config.getTraining().getBatchSize();
            this.step = trainer.newStep(batch);
            this.optimizer = trainer.optimizer().type();
            this.data = data;
            this.order = new int[data.count()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            new Rng(config.getTraining().getSeed()).shuffle(order);
            this.batches = order.length / batch;
            if (batches == 0) throw new IllegalArgumentException("need at least one full batch of " + batch + " images");
        }

        /** Runs {@code steps} steps and returns the seconds they took. */
        double run(int steps) {
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++, next++) step.run(data, order, (next % batches) * batch, batch);
            return (System.nanoTime() - t0) / 1e9;
        }

        /** As {@link #run}, with per-phase timers; adds this run's breakdown to {@code phases}. */
        double profiled(int steps, List<List<Phase>> phases) {
            StepProfile profile = new StepProfile(step.model());
            step.profile(profile);
            try {
                return run(steps);
            } finally {
                step.profile(null);
                phases.add(StepBenchmark.phases(profile, step.workspace(), batch, optimizer));
            }
        }

        /**
         * {@code warmup} steps, then on, a window at a time, until a whole window allocates nothing:
         * until then some kernel still runs code the JIT has not finished (C1 code boxes every vector), or
         * was sent back to the interpreter, and a timed run would measure the compiler. With two busy
         * cores C2 can lag any fixed count. Returns the steps run. A quiet window does not prove the JIT
         * done: the CNN on a Zen 4 (2 threads, warm-up 100) stopped after 200 steps and then allocated
         * 6-9 bytes a step in the timed steps, 0 after 550; waiting also for a window in which the JIT
         * finished no compilation never ended (2,000 steps), so the profiled steps' allocation is
         * reported beside the timed steps' instead.
         */
        int warmUp(int warmup) {
            run(warmup);
            int steps = warmup;
            if (warmup == 0) return 0;
            for (int window = 0; window < MAX_EXTRA_WINDOWS; window++) {
                AllocationWindow allocated = new AllocationWindow();
                run(WINDOW);
                steps += WINDOW;
                if (allocated.bytes() <= 0) break; // nothing allocated, or the JVM cannot count
            }
            return steps;
        }
    }

    /**
     * What one reading of the allocation counter allocates itself (thread ids and byte arrays), to take
     * off a difference of two readings; measured when needed, since it shrinks once the JIT compiles it.
     */
    private static long counterBytes() {
        long b = -AllocationCounter.allocatedBytes();
        return b + AllocationCounter.allocatedBytes();
    }

    /** Bytes all threads allocate from its creation on, less the counter's own readings; -1 where the JVM cannot count. */
    private static final class AllocationWindow {
        private final long counter = counterBytes();
        private final long start = AllocationCounter.allocatedBytes();

        long bytes() {
            return start < 0 ? -1 : Math.max(0, AllocationCounter.allocatedBytes() - start - counter);
        }

        long perStep(int steps) {
            long b = bytes();
            return b < 0 ? -1 : b / steps;
        }
    }

    /**
     * Runs {@code warmup} untimed steps (and more, up to 2,000, until a window of them allocates nothing),
     * then {@code steps} timed ones, then the same again with per-phase timers, over shuffled batches of
     * {@code data} (which wraps around).
     */
    public static Result run(Trainer trainer, RunConfig config, ImageDataset data, int warmup, int steps,
                             String kernels, int threads) {
        Stepper stepper = new Stepper(trainer, config, data);
        long w0 = System.nanoTime();
        int warmed = stepper.warmUp(warmup);
        double warmupSeconds = (System.nanoTime() - w0) / 1e9;

        AllocationWindow timed = new AllocationWindow();
        double seconds = stepper.run(steps);
        long timedBytes = timed.perStep(steps);

        StepProfile profile = new StepProfile(trainer.model());
        stepper.step.profile(profile);
        AllocationWindow profiledWindow = new AllocationWindow();
        stepper.run(steps);
        long profiledBytes = profiledWindow.perStep(steps);
        stepper.step.profile(null);

        int batch = stepper.batch;
        List<Phase> phases = phases(profile, stepper.step.workspace(), batch, stepper.optimizer);
        long flops = phases.stream().mapToLong(Phase::flopsPerStep).sum();
        return new Result(batch, threads, kernels, warmed, warmupSeconds, steps, seconds, flops, phases,
                timedBytes, profiledBytes);
    }

    /**
     * Thread scaling measured so a busy host cannot fake it: two trainers (the same model on
     * {@code threads} threads and on {@code baseThreads}) take turns, {@code rounds} times, running
     * {@code stepsPerRound} steps each; each round's ratio compares two runs a few milliseconds apart.
     * The same rounds are profiled, so {@code phases} says which phases scale and which hold the rest back.
     * Each round also times register-only FMAs (a tenth of the round's flops) on both thread counts:
     * {@code fmaSpeedup}, their median ratio, is what the host let the extra threads add to pure arithmetic
     * in those rounds (on a shared 2-core VM, about 1.7x to 2x from one minute to the next). With
     * {@code copies} (more trainers like {@code base}, each with its own model), each round then runs
     * {@code base} and the copies at once, each on its own thread: {@code independentSpeedup}, the median
     * of the work they got done against {@code base} alone, is what the host gives this very step on that
     * many threads when nothing is shared or waited for (NaN without copies).
     */
    public record Scaling(int threads, int baseThreads, int rounds, int stepsPerRound, double millisPerStep,
                          double baseMillisPerStep, double medianSpeedup, double minSpeedup, double maxSpeedup,
                          List<PhaseScaling> phases, double fmaSpeedup, int copies, double independentSpeedup) {
    }

    /** One phase of the scaling rounds: median ms/step on each side and the median of the rounds' ratios. */
    public record PhaseScaling(String name, double millisPerStep, double baseMillisPerStep, double medianSpeedup) {
    }

    /** Both trainers should be warm (their first step compiled); each gets a short warm-up here too. */
    public static Scaling scaling(Trainer many, int threads, Trainer base, int baseThreads, List<Trainer> copies,
                                  RunConfig config, ImageDataset data, int rounds, int stepsPerRound) {
        if (rounds < 1 || stepsPerRound < 1) throw new IllegalArgumentException("rounds and steps must be positive");
        Stepper a = new Stepper(many, config, data), b = new Stepper(base, config, data);
        a.warmUp(stepsPerRound);
        b.warmUp(stepsPerRound);
        List<Stepper> others = new ArrayList<>();
        for (Trainer t : copies) {
            Stepper s = new Stepper(t, config, data);
            s.warmUp(stepsPerRound);
            others.add(s);
        }
        double[] independent = new double[rounds];
        double[] ta = new double[rounds], tb = new double[rounds], ratio = new double[rounds];
        double[] fma = new double[rounds];
        long stepFlops = 0;
        for (Layer l : many.model().layers()) stepFlops += l.forwardFlops(a.batch) + l.backwardFlops(a.batch, true);
        long probeFlops = Math.max(1_000_000, stepFlops * stepsPerRound / 10);
        ParallelKernels ka = many.kernels(), kb = base.kernels();
        for (int i = 0; i < 20; i++) { // so the timed probes run compiled code
            PeakRate.time(ka, probeFlops / 20);
            PeakRate.time(kb, probeFlops / 20);
        }
        List<List<Phase>> pa = new ArrayList<>(), pb = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            // Alternate who goes first, so a slow spell that starts mid-round hits both sides alike.
            if (r % 2 == 0) {
                ta[r] = a.profiled(stepsPerRound, pa);
                tb[r] = b.profiled(stepsPerRound, pb);
            } else {
                tb[r] = b.profiled(stepsPerRound, pb);
                ta[r] = a.profiled(stepsPerRound, pa);
            }
            ratio[r] = tb[r] / ta[r];
            fma[r] = PeakRate.time(kb, probeFlops) / PeakRate.time(ka, probeFlops);
            if (!others.isEmpty()) independent[r] = together(b, others, stepsPerRound, tb[r]);
        }
        double min = Double.MAX_VALUE, max = 0;
        for (double x : ratio) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new Scaling(threads, baseThreads, rounds, stepsPerRound, 1000 * median(ta) / stepsPerRound,
                1000 * median(tb) / stepsPerRound, median(ratio), min, max, phaseScaling(pa, pb),
                median(fma), others.size(), others.isEmpty() ? Double.NaN : median(independent));
    }

    /**
     * Runs {@code steps} steps on {@code first} (this thread) and on each of {@code others} (a thread
     * each) at once, and returns the work done against {@code first} alone taking {@code aloneSeconds}:
     * the sum over all of aloneSeconds / their own seconds.
     */
    private static double together(Stepper first, List<Stepper> others, int steps, double aloneSeconds) {
        CyclicBarrier start = new CyclicBarrier(others.size() + 1);
        double[] seconds = new double[others.size()];
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
            int at = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    seconds[at] = others.get(at).run(steps);
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            }, "fashion-bench-copy-" + (i + 1));
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        double mine;
        try {
            start.await();
            mine = first.run(steps);
            for (Thread t : threads) t.join();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException("the independent-copies run was interrupted", e);
        }
        if (failed.get() != null) throw new IllegalStateException("an independent copy failed", failed.get());
        double work = aloneSeconds / mine;
        for (double s : seconds) work += aloneSeconds / s;
        return work;
    }

    /** Per phase, over rounds: medians of each side's ms/step and of their ratio; phases idle on a side are left out. */
    private static List<PhaseScaling> phaseScaling(List<List<Phase>> many, List<List<Phase>> base) {
        List<PhaseScaling> out = new ArrayList<>();
        int rounds = many.size();
        for (int i = 0; i < many.get(0).size(); i++) {
            double[] ms = new double[rounds], bs = new double[rounds], ratio = new double[rounds];
            boolean idle = false;
            for (int r = 0; r < rounds; r++) {
                ms[r] = many.get(r).get(i).millisPerStep();
                bs[r] = base.get(r).get(i).millisPerStep();
                idle |= ms[r] <= 0 || bs[r] <= 0;
                ratio[r] = bs[r] / ms[r];
            }
            if (!idle) out.add(new PhaseScaling(many.get(0).get(i).name(), median(ms), median(bs), median(ratio)));
        }
        return out;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
