package dev.fashion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.io.AtomicFiles;
import dev.fashion.kernels.CpuInfo;
import dev.fashion.nn.Model;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.PeakRate;
import dev.fashion.parallel.Scheduler;
import dev.fashion.train.StepBenchmark;
import dev.fashion.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time training steps in the steady state: images/s, seconds per epoch, GFLOP/s,",
                "and where each step's time goes, layer by layer. For performance-tuning experiments."})
final class BenchCommand implements Callable<Integer> {

    /** Rounds of the --scaling comparison: enough for a median and a spread, few enough to be quick. */
    private static final int SCALING_ROUNDS = 10;

    @Option(names = "--config", paramLabel = "FILE", description = "Model config (default: the bundled reference).")
    Path config;

    @Option(names = "--batch-size", paramLabel = "N", description = "Override training.batch_size.")
    Integer batchSize;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "500", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "400",
            description = "Untimed steps first, so the JIT has compiled the kernels (default: ${DEFAULT-VALUE}); "
                    + "then more, in windows of 50 (up to 2,000), until a window allocates nothing. 0: none at all.")
    int warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--peak", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure the kernels' peak FMA rate on the same threads (register-only, about a "
                    + "second) and show every rate as a share of it (default: on; --no-peak skips it).")
    boolean peak;

    @Option(names = "--scaling",
            description = "Also time these --threads against 1 thread in alternating rounds in this JVM and print "
                    + "the speedup with its spread (on a shared machine two separate runs can differ by more than "
                    + "the threads gain), each phase's speedup, how much faster register-only FMAs ran on "
                    + "those threads in the same rounds, and how much work that many independent 1-thread "
                    + "copies of the step got done at once: the ceilings the host allowed. Needs --threads 2 "
                    + "or more.")
    boolean scaling;

    @Mixin
    DataOptions data;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        if (steps < 1) throw new dev.fashion.FashionException("--steps: expected a positive number, got " + steps);
        if (warmup < 0) throw new dev.fashion.FashionException("--warmup: expected zero or more, got " + warmup);
        if (scaling && runtime.threadCount() < 2) {
            throw new dev.fashion.FashionException("--scaling compares with 1 thread: needs --threads 2 or more, got "
                    + runtime.threadCount());
        }
        RunConfig cfg = ConfigLoader.load(config);
        Overrides.apply(cfg, null, batchSize, null, null);
        data.applyTo(cfg);
        PrintStream out = System.out;
        try (RuntimeOptions.Runtime rt = runtime.open()) {
            ImageDataset images = DataOptions.limit(DataOptions.loadSplit(cfg, FashionMnist.Split.TRAIN),
                    cfg.getData().getTrainLimit());
            Model model = ModelFactory.build(cfg);
            Trainer trainer = new Trainer(cfg, model, rt.kernels());
            String kernels = rt.kernels().kernels().describe();
            int threads = rt.kernels().scheduler().threads();
            out.printf("fashion bench: %,d parameters, batch %d, %d thread%s, %s, JDK %s%n", model.parameterCount(),
                    cfg.getTraining().getBatchSize(), threads, threads == 1 ? "" : "s", kernels, Runtime.version());
            out.printf("CPU: %s%n", CpuInfo.current().describe());
            if (!rt.kernels().kernels().tuning().isEmpty()) {
                out.printf("vector width and tile: %s%n", rt.kernels().kernels().tuning());
            }
            // The peak first, while the JIT has compiled nothing else: on JDK 17, measured after the CNN's
            // warm-up, C2 compiled the probe with its vectors boxed in three runs out of four (9-20 GFLOP/s
            // against 117 on a Zen 4), and measuring again did not help.
            PeakRate.Result first = peak ? PeakRate.measure(rt.kernels(), 0.3) : null;
            StepBenchmark.Result r = StepBenchmark.run(trainer, cfg, images, warmup, steps, rt.kernels().kernels().name(), threads);
            PeakRate.Result p = peak ? measurePeak(rt.kernels(), r, first) : null;
            print(out, r, images.count(), p);
            StepBenchmark.Scaling sc = null;
            if (scaling) {
                // One-thread trainers, each with its own model and scheduler: the baseline, and copies of it
                // to run beside it (threads of them in all) for the independent-copies reference.
                List<Scheduler> ones = new ArrayList<>();
                try {
                    List<Trainer> singles = new ArrayList<>();
                    for (int i = 0; i < threads; i++) {
                        Scheduler one = new Scheduler(1);
                        ones.add(one);
                        singles.add(new Trainer(cfg, ModelFactory.build(cfg), new ParallelKernels(rt.kernels().kernels(), one)));
                    }
                    sc = StepBenchmark.scaling(trainer, threads, singles.get(0), 1, singles.subList(1, threads), cfg,
                            images, SCALING_ROUNDS, Math.max(5, steps / SCALING_ROUNDS));
                } finally {
                    for (Scheduler one : ones) one.close();
                }
                print(out, sc);
            }
            if (json != null) {
                AtomicFiles.writeString(json, toJson(r, images.count(), kernels, rt.kernels().kernels().tuning(), p, sc));
            }
        }
        return 0;
    }

    /**
     * The peak measured before the steps ({@code first}), measured again (twice at most, keeping the best)
     * while a phase ran faster than it: a peak is a maximum, and a busy host or a late compile only lowers
     * it. Seen on 2 shared cores, JDK 17: one measurement read 48.8 GFLOP/s against the 408-422 of other
     * runs, and the table showed conv2 at 325%.
     */
    static PeakRate.Result measurePeak(ParallelKernels kernels, StepBenchmark.Result r, PeakRate.Result first) {
        double fastest = fastestRate(r);
        PeakRate.Result best = first;
        for (int i = 0; i < 2 && best.gflops() < fastest; i++) {
            PeakRate.Result again = PeakRate.measure(kernels, 0.6);
            if (again.gflops() > best.gflops()) best = again;
        }
        return best;
    }

    /** The step's rate or its fastest phase's, whichever is higher (GFLOP/s). */
    static double fastestRate(StepBenchmark.Result r) {
        double fastest = r.gflops();
        for (StepBenchmark.Phase p : r.phases()) {
            if (p.flopsPerStep() != 0) fastest = Math.max(fastest, p.gflops());
        }
        return fastest;
    }

    static void print(PrintStream out, StepBenchmark.Result r, int epochImages, PeakRate.Result peak) {
        out.printf("warm-up: %d steps in %.2f s; timed: %d steps in %.3f s%n", r.warmupSteps(), r.warmupSeconds(),
                r.steps(), r.seconds());
        out.printf("%n  %.3f ms/step   %,.0f images/s   %.2f s/epoch (%,d images)   %.1f GFLOP/s (%.1f MFLOP/step)%n",
                r.millisPerStep(), r.imagesPerSecond(), r.secondsPerEpoch(epochImages), epochImages, r.gflops(),
                r.flopsPerStep() / 1e6);
        if (r.allocatedBytesPerStep() >= 0 && r.profiledBytesPerStep() >= 0 && r.profiledBytesPerStep() != r.allocatedBytesPerStep()) {
            // Unequal: some of it was one-off (C2 still replacing code), not the step's.
            out.printf("  allocated: %,d bytes/step (all threads) in the timed steps, %,d in the %,d profiled steps after"
                    + " them%s%n", r.allocatedBytesPerStep(), r.profiledBytesPerStep(), r.steps(),
                    r.profiledBytesPerStep() == 0 ? ": a one-off while the JIT finished compiling, not per step" : "");
        } else if (r.allocatedBytesPerStep() >= 0) {
            out.printf("  allocated: %,d bytes/step (all threads)%n", r.allocatedBytesPerStep());
        }
        if (peak != null) {
            out.printf("  peak: %.1f GFLOP/s on %d thread%s (%.1f per thread; register-only FMAs, measured now):"
                            + " the step runs at %.0f%% of it%n", peak.gflops(), peak.threads(),
                    peak.threads() == 1 ? "" : "s", peak.gflopsPerThread(), 100 * r.gflops() / peak.gflops());
            if (fastestRate(r) > peak.gflops()) {
                out.printf("  caution: a phase ran faster than this peak, measured three times: the host held the"
                        + " threads back while it ran, so shares of peak below overstate%n");
            }
        }
        out.printf("%n  %-28s %9s %7s %9s%s%n", "phase (profiled run)", "ms/step", "share", "GFLOP/s",
                peak == null ? "" : "  of peak");
        double totalMs = 0;
        for (StepBenchmark.Phase p : r.phases()) {
            totalMs += p.millisPerStep();
            boolean flops = p.flopsPerStep() != 0;
            out.printf("  %-28s %9.4f %6.1f%% %9s%s%n", p.name(), p.millisPerStep(), 100 * p.share(),
                    flops ? String.format("%.1f", p.gflops()) : "",
                    peak == null || !flops ? "" : String.format("  %7.0f%%", 100 * p.gflops() / peak.gflops()));
        }
        out.printf("  %-28s %9.4f %6.1f%%%n", "total", totalMs, 100.0);
        double fwd = sum(r.phases(), " forward"), bwd = sum(r.phases(), " backward"), opt = sum(r.phases(), "optimizer");
        out.printf("%n  forward %.1f%%   backward %.1f%%   optimizer %.1f%%   other %.1f%%%n", 100 * fwd / totalMs,
                100 * bwd / totalMs, 100 * opt / totalMs, 100 * (totalMs - fwd - bwd - opt) / totalMs);
    }

    static void print(PrintStream out, StepBenchmark.Scaling sc) {
        out.printf("%n  scaling: %d threads against %d, %d alternating rounds of %d steps each:%n", sc.threads(),
                sc.baseThreads(), sc.rounds(), sc.stepsPerRound());
        out.printf("  %.3f against %.3f ms/step (medians): %.2fx faster (rounds: %.2fx to %.2fx)%n",
                sc.millisPerStep(), sc.baseMillisPerStep(), sc.medianSpeedup(), sc.minSpeedup(), sc.maxSpeedup());
        out.printf("  register-only FMAs in the same rounds: %.2fx (the most the host gave %d threads over %d)%n",
                sc.fmaSpeedup(), sc.threads(), sc.baseThreads());
        if (sc.copies() > 0) {
            out.printf("  %d independent %d-thread copies of the step at once: %.2fx the work of one (what the host"
                            + " gives %d threads that share nothing)%n", sc.copies() + 1, sc.baseThreads(),
                    sc.independentSpeedup(), sc.copies() + 1);
            out.printf("  the step gets %.0f%% of the independent copies' speedup (%.2fx of %.2fx)%n",
                    100 * sc.medianSpeedup() / sc.independentSpeedup(), sc.medianSpeedup(), sc.independentSpeedup());
        }
        out.printf("%n  %-28s %9s %9s %8s%n", "phase (same rounds)", sc.threads() + "t ms", sc.baseThreads() + "t ms",
                "speedup");
        for (StepBenchmark.PhaseScaling p : sc.phases()) {
            out.printf("  %-28s %9.4f %9.4f %7.2fx%n", p.name(), p.millisPerStep(), p.baseMillisPerStep(),
                    p.medianSpeedup());
        }
    }

    private static double sum(List<StepBenchmark.Phase> phases, String part) {
        return phases.stream().filter(p -> p.name().contains(part)).mapToDouble(StepBenchmark.Phase::millisPerStep).sum();
    }

    static String toJson(StepBenchmark.Result r, int epochImages, String kernels, String tuning, PeakRate.Result peak,
                         StepBenchmark.Scaling sc) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch_size", r.batch());
        m.put("threads", r.threads());
        m.put("kernels", r.kernels());
        m.put("kernels_detail", kernels);
        m.put("cpu", CpuInfo.current().describe());
        if (!tuning.isEmpty()) m.put("vector_tuning", tuning);
        m.put("jdk", Runtime.version().toString());
        m.put("cpu", dev.fashion.parallel.CpuModel.name());
        m.put("warmup_steps", r.warmupSteps());
        m.put("steps", r.steps());
        m.put("seconds", r.seconds());
        m.put("ms_per_step", r.millisPerStep());
        m.put("images_per_second", r.imagesPerSecond());
        m.put("seconds_per_epoch", r.secondsPerEpoch(epochImages));
        m.put("epoch_images", epochImages);
        m.put("gflops", r.gflops());
        m.put("flops_per_step", r.flopsPerStep());
        m.put("allocated_bytes_per_step", r.allocatedBytesPerStep());
        m.put("allocated_bytes_per_step_profiled", r.profiledBytesPerStep());
        if (peak != null) {
            m.put("peak_gflops", peak.gflops());
            m.put("peak_gflops_per_thread", peak.gflopsPerThread());
            m.put("peak_share", r.gflops() / peak.gflops());
        }
        List<Map<String, Object>> phases = r.phases().stream().map(p -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("phase", p.name());
            pm.put("ms_per_step", p.millisPerStep());
            pm.put("share", p.share());
            pm.put("flops_per_step", p.flopsPerStep());
            pm.put("gflops", p.gflops());
            if (peak != null && p.flopsPerStep() != 0) pm.put("peak_share", p.gflops() / peak.gflops());
            return pm;
        }).toList();
        m.put("phases", phases);
        if (sc != null) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("threads", sc.threads());
            sm.put("base_threads", sc.baseThreads());
            sm.put("rounds", sc.rounds());
            sm.put("steps_per_round", sc.stepsPerRound());
            sm.put("ms_per_step", sc.millisPerStep());
            sm.put("base_ms_per_step", sc.baseMillisPerStep());
            sm.put("speedup_median", sc.medianSpeedup());
            sm.put("speedup_min", sc.minSpeedup());
            sm.put("speedup_max", sc.maxSpeedup());
            sm.put("fma_speedup_median", sc.fmaSpeedup());
            if (sc.copies() > 0) {
                sm.put("independent_copies", sc.copies() + 1);
                sm.put("independent_speedup_median", sc.independentSpeedup());
                sm.put("share_of_independent", sc.medianSpeedup() / sc.independentSpeedup());
            }
            sm.put("phases", sc.phases().stream().map(p -> {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("phase", p.name());
                pm.put("ms_per_step", p.millisPerStep());
                pm.put("base_ms_per_step", p.baseMillisPerStep());
                pm.put("speedup_median", p.medianSpeedup());
                return pm;
            }).toList());
            m.put("scaling", sm);
        }
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
    }
}
