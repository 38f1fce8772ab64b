package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.io.ModelWeights;
import dev.fashion.nn.Model;
import dev.fashion.parallel.CpuModel;
import dev.fashion.report.TrainingCurves;
import dev.fashion.train.Checkpoint;
import dev.fashion.train.EpochMetrics;
import dev.fashion.train.JitWarmup;
import dev.fashion.train.RunDirectory;
import dev.fashion.train.Timeline;
import dev.fashion.train.Trainer;
import dev.fashion.train.TrainingListener;
import dev.fashion.train.TrainingStopped;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model (by default the reference MLP on the bundled Fashion-MNIST) and write a run directory:",
                "config.yaml, metrics.jsonl, summary.json, model.safetensors and curves.png;",
                "checkpoint.safetensors lets an interrupted run continue with --resume.",
                "On a terminal each epoch shows a live progress bar; otherwise one line per epoch."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON run config (default: the bundled configs/mlp.yaml).")
    Path config;

    @Option(names = "--epochs", paramLabel = "N", description = "Override training.epochs.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Override training.batch_size.")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X", description = "Override optimizer.lr.")
    Double lr;

    @Option(names = "--seed", paramLabel = "N", description = "Override training.seed.")
    Long seed;

    @Mixin
    DataOptions data;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<timestamp>).")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its checkpoint, exactly as if it had not stopped (the model may not change).")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Also write the checkpoint every N steps (it is always written after each epoch).")
    Integer checkpointEvery;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200",
            description = {"Train a throwaway copy of the model for N steps on synthetic images while the data loads, so the JIT",
                    "has compiled the kernels before epoch 1, and on while its steps still allocate (uncompiled code), up to",
                    "10N (0: off; at most a tenth of the run's steps, none under 1,000). Results do not depend on it.",
                    "Default: ${DEFAULT-VALUE}."})
    int warmup;

    @Option(names = {"-q", "--quiet"}, description = "Print only the final summary.")
    boolean quiet;

    @Override
    public Integer call() {
        if (resume != null && out != null) throw new FashionException("--out: a resumed run continues in its RUN_DIR");
        if (checkpointEvery != null && checkpointEvery < 1) {
            throw new FashionException("--checkpoint-every: expected a positive number of steps, got " + checkpointEvery);
        }
        Checkpoint checkpoint = resume == null ? null : Checkpoint.read(RunDirectory.checkpointIn(resume));
        RunConfig cfg = checkpoint != null && config == null ? checkpoint.config() : ConfigLoader.load(config);
        Overrides.apply(cfg, epochs, batchSize, lr, seed);
        data.applyTo(cfg);
        if (checkpoint != null) checkpoint.checkResumableWith(cfg);
        PrintStream out = System.out;
        try (RuntimeOptions.Runtime rt = runtime.open()) {
            if (warmup < 0) throw new FashionException("--warmup: expected 0 or more steps, got " + warmup);
            long t0 = System.nanoTime();
            Timeline.startRun();
            Timeline.mark("setup");
            JitWarmup jit = JitWarmup.start(cfg, rt.kernels(), warmup);
            // A --train-limit tells the run's size now; the data's own size is known after the load.
            if (cfg.getData().getTrainLimit() > 0) jit.fitTo(runSteps(cfg, cfg.getData().getTrainLimit()));
            DataOptions.Loaded sets = data.load(cfg);
            if (cfg.getData().getValidation() >= sets.train().count()) {
                throw new FashionException(cfg.locate("data.validation") + ": a validation split of "
                        + cfg.getData().getValidation() + " images leaves none of the " + sets.train().count()
                        + " training images to train on (expected fewer)");
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            Timeline.mark("data_loaded");
            jit.fitTo(runSteps(cfg, sets.train().count()));
            jit.await();
            Timeline.mark("jit_warmup_done");
            Model model = ModelFactory.build(cfg);
            Trainer trainer = new Trainer(cfg, model, rt.kernels());
            RunDirectory run;
            if (checkpoint != null) {
                trainer.resumeFrom(checkpoint);
                run = RunDirectory.resume(resume, checkpoint.state().history());
            } else {
                run = RunDirectory.create(this.out);
            }
            run.writeConfig(cfg);
            trainer.checkpointTo(run.checkpoint(), checkpointEvery == null ? 0 : checkpointEvery);
            if (!quiet) {
                out.printf("fashion train: %s, %d epoch%s, batch %d, %s lr %s%s, seed %d%n",
                        configSource(), cfg.getTraining().getEpochs(),
                        cfg.getTraining().getEpochs() == 1 ? "" : "s",
                        cfg.getTraining().getBatchSize(), cfg.getOptimizer().getType(), cfg.getOptimizer().getLr(),
                        recipe(cfg), cfg.getTraining().getSeed());
                out.printf("kernels: %s; threads: %d; JDK %s%n", rt.kernels().kernels().describe(),
                        rt.kernels().scheduler().threads(), Runtime.version());
                out.printf("data: %s, loaded in %.2f s%n", sets.describe(), loadSeconds);
                if (jit.stepsDone() > 0) {
                    out.printf("JIT warm-up: %d steps on synthetic images in %.2f s, beside the data load%n",
                            jit.stepsDone(), jit.seconds());
                }
                out.println("model:");
                out.println(model.summary());
                out.println("run directory: " + run.dir());
                if (checkpoint != null) {
                    out.println("resuming from " + checkpoint.state().position() + " (step " + checkpoint.optimizerSteps() + ")");
                }
            }
            TrainingProgress progress = new TrainingProgress(out, TrainingProgress.mode(quiet), cfg.getTraining().getEpochs());
            progress.showLr(!cfg.getSchedule().getType().equals("constant"));
            TrainingListener listener = new TrainingListener() {
                @Override
                public void batch(int epoch, int done, int total, double meanLoss, long imagesSeen, double seconds) {
                    progress.batch(epoch, done, total, meanLoss, imagesSeen, seconds);
                }

                @Override
                public void learningRate(double lr) {
                    progress.learningRate(lr);
                }

                @Override
                public void epoch(EpochMetrics m, int total) {
                    run.appendMetrics(m);
                    progress.epoch(m, total);
                }
            };
            List<EpochMetrics> history;
            try (GracefulStop stop = new GracefulStop()) {
                trainer.stopWhen(stop.poll());
                try {
                    history = trainer.train(sets.train(), sets.test(), listener);
                } catch (TrainingStopped stopped) {
                    // Printed before the stop closes: a Ctrl-C's shutdown hook halts the JVM as soon as it does.
                    System.err.println(stopped.getMessage() + "; resume with: fashion train --resume " + run.dir());
                    System.err.flush();
                    return stopped.exitCode();
                }
            }
            Timeline.mark("training_done");
            EpochMetrics last = history.get(history.size() - 1);
            Trainer.BestWeights best = trainer.best();
            if (best != null && best.epoch() > 0) {
                // model.safetensors is the best validation epoch's weights; last.safetensors the last epoch's.
                ModelWeights.save(model, run.lastWeights(), Map.of("config", ConfigLoader.toJson(cfg),
                        "epoch", Integer.toString(last.epoch())));
                best.copyInto(model);
                last = history.get(best.epoch() - 1);
                ModelWeights.save(model, run.weights(), Map.of("config", ConfigLoader.toJson(cfg),
                        "epoch", Integer.toString(best.epoch())));
            } else {
                ModelWeights.save(model, run.weights(), Map.of("config", ConfigLoader.toJson(cfg)));
            }
            Timeline.mark("weights_written");
            double seconds = history.stream().mapToDouble(EpochMetrics::seconds).sum();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("test_accuracy", last.testAccuracy());
            summary.put("test_loss", last.testLoss());
            summary.put("train_loss", last.trainLoss());
            summary.put("train_accuracy", last.trainAccuracy());
            summary.put("train_seconds", seconds);
            summary.put("images_per_second", (double) trainImages(sets, cfg) * history.size() / seconds);
            summary.put("epochs", history.size());
            // The epoch whose weights model.safetensors holds (and whose test figures are above).
            summary.put("model_epoch", last.epoch());
            if (last.validationAccuracy() != null) {
                summary.put("validation_accuracy", last.validationAccuracy());
                summary.put("validation_loss", last.validationLoss());
            }
            summary.put("keep", cfg.getTraining().getKeep());
            summary.put("stopped_early", trainer.stoppedEarly());
            summary.put("batch_size", cfg.getTraining().getBatchSize());
            summary.put("kernels", rt.kernels().kernels().name());
            summary.put("threads", rt.kernels().scheduler().threads());
            summary.put("jdk", Runtime.version().toString());
            summary.put("cpu", CpuModel.name());
            summary.put("seed", cfg.getTraining().getSeed());
            summary.put("parameters", model.parameterCount());
            summary.put("train_images", trainImages(sets, cfg));
            if (cfg.getData().getValidation() > 0) summary.put("validation_images", cfg.getData().getValidation());
            summary.put("test_images", sets.test().count());
            summary.put("data", sets.dir().toString());
            // summary.json is the last file written, so its wall time is the whole run's.
            writeCurves(run.dir());
            Timeline.mark("curves_written");
            summary.put("jit_warmup_seconds", jit.seconds());
            summary.put("timeline", Timeline.marks());
            summary.put("timeline_cpu", Timeline.cpuMarks());
            summary.put("time_spent", Timeline.totals());
            double wall = Timeline.seconds();
            summary.put("wall_seconds", wall);
            run.writeSummary(summary);
            if (trainer.stoppedEarly()) {
                out.printf("early stopping: no better validation accuracy in the %d epochs after epoch %d%n",
                        cfg.getTraining().getEarlyStopping().getPatience(), trainer.bestEpoch());
            }
            String kept = last.epoch() == history.size() ? "" : String.format(" (the best validation epoch, %d; "
                    + "the last epoch's weights are in %s)", last.epoch(), RunDirectory.LAST_WEIGHTS);
            out.printf("test accuracy %.2f%% (loss %.4f) after %d epoch%s%s; %.1f s training, %,.0f images/s; "
                            + "%.1f s start to finish; results in %s%n",
                    100 * last.testAccuracy(), last.testLoss(), history.size(), history.size() == 1 ? "" : "s", kept, seconds,
                    (double) trainImages(sets, cfg) * history.size() / seconds, wall, run.dir());
        }
        return 0;
    }

    /** The images trained on: the training set less the validation split. */
    private static int trainImages(DataOptions.Loaded sets, RunConfig cfg) {
        return sets.train().count() - cfg.getData().getValidation();
    }

    /** ", one_cycle schedule, label smoothing 0.1, ..." : what the recipe adds to the plain run, or "". */
    static String recipe(RunConfig cfg) {
        StringBuilder sb = new StringBuilder();
        if (cfg.getOptimizer().getWeightDecay() > 0) sb.append(", weight decay ").append(cfg.getOptimizer().getWeightDecay());
        if (!cfg.getSchedule().getType().equals("constant")) sb.append(", ").append(cfg.getSchedule().getType()).append(" schedule");
        if (cfg.getLabelSmoothing() > 0) sb.append(", label smoothing ").append(cfg.getLabelSmoothing());
        var aug = cfg.getData().getAugment();
        if (aug != null && aug.active()) sb.append(", augment shift ").append(aug.getShift()).append(" flip ").append(aug.getFlip());
        if (cfg.getData().getValidation() > 0) {
            sb.append(", validation ").append(cfg.getData().getValidation()).append(", keep ").append(cfg.getTraining().getKeep());
        }
        return sb.toString();
    }

    private static long runSteps(RunConfig cfg, int images) {
        int batch = Math.max(1, cfg.getTraining().getBatchSize());
        return (long) cfg.getTraining().getEpochs() * ((images + batch - 1) / batch);
    }

    /** The weights and metrics are safe by now: a plotting problem is a warning, not a failed run. */
    private static void writeCurves(Path dir) {
        try {
            TrainingCurves.write(dir.resolve(PlotCommand.CURVES), List.of(TrainingCurves.Run.load(dir)));
        } catch (RuntimeException e) {
            System.err.println("warning: " + PlotCommand.CURVES + " not written: " + e.getMessage());
        }
    }

    /** Where the run's config came from, for the first line: a resumed run's is the one its checkpoint saved. */
    private String configSource() {
        if (config != null) return config.toString();
        if (resume != null) return "the config saved in " + RunDirectory.checkpointIn(resume);
        return ConfigLoader.DEFAULT_NAME;
    }
}
