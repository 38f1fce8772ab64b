package dev.fashion.train;

import dev.fashion.FashionException;
import dev.fashion.config.OptimizerConfig;
import dev.fashion.config.RunConfig;
import dev.fashion.config.TrainingConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Rng;
import dev.fashion.optim.Adam;
import dev.fashion.optim.Optimizer;
import dev.fashion.optim.Sgd;
import dev.fashion.parallel.ParallelKernels;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The training loop: per epoch a seeded shuffle, mini-batches (the last one partial), forward, loss,
 * backward, optimizer step; then a pass over the test set. Everything random comes from generators
 * split off the seed, and every reduction runs in a fixed order, so a seed gives the same weights on
 * any thread count.
 */
public final class Trainer {
    private final RunConfig config;
    private final Model model;
    private final Loss loss;
    private final ParallelKernels kernels;
    private final Optimizer optimizer;
    private final Normalization norm;
    private final Rng shuffleRng;
    private final Rng dropoutRng;
    private TrainingState state;
    private Path checkpointFile;
    private int checkpointEvery;
    private String lastCheckpoint;
    private BooleanSupplier stopRequested = () -> false;

    /** Builds the optimizer and initialises the model from the config's seed. */
    public Trainer(RunConfig config, Model model, ParallelKernels kernels) {
        this.config = config;
        this.model = model;
        this.loss = Loss.parse(config.getLoss());
        this.kernels = kernels;
        long seed = config.getTraining().getSeed();
        model.initialize(Rng.forPurpose(seed, "init"));
        this.shuffleRng = Rng.forPurpose(seed, "shuffle");
        this.dropoutRng = Rng.forPurpose(seed, "dropout");
        this.optimizer = createOptimizer(config.getOptimizer(), model);
        this.norm = Normalization.of(config.getData());
        this.state = new TrainingState(shuffleRng.state());
    }

    static Optimizer createOptimizer(OptimizerConfig oc, Model model) {
        return switch (oc.getType()) {
            case "adam" -> new Adam(model.parameters(), (float) oc.getLr(), oc.getBetas().get(0).floatValue(),
                    oc.getBetas().get(1).floatValue(), (float) oc.getEps(), (float) oc.getWeightDecay());
            case "sgd" -> new Sgd(model.parameters(), (float) oc.getLr(), (float) oc.getMomentum(),
                    (float) oc.getWeightDecay(), oc.isNesterov());
            default -> throw new IllegalStateException("unchecked optimizer type " + oc.getType());
        };
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public ParallelKernels kernels() {
        return kernels;
    }

    /** A step runner over this trainer's model, optimizer and random streams, for {@code batch} samples. */
    public TrainStep newStep(int batch) {
        return new TrainStep(model, loss, optimizer, kernels, norm, dropoutRng, batch);
    }

    /** Continues from a checkpoint (which must fit this model and optimizer) instead of the fresh start. */
    public void resumeFrom(Checkpoint checkpoint) {
        checkpoint.restore(model, optimizer, dropoutRng);
        state = checkpoint.state();
    }

    /** Writes a checkpoint to {@code file} after every epoch and, when {@code everySteps > 0}, every that many steps. */
    public void checkpointTo(Path file, int everySteps) {
        this.checkpointFile = file;
        this.checkpointEvery = everySteps;
    }

    /**
     * Polled after every step: once true, training writes a checkpoint (if it has a file) and throws
     * {@link TrainingStopped}.
     */
    public void stopWhen(BooleanSupplier stop) {
        this.stopRequested = stop;
    }

    public TrainingState state() {
        return state;
    }

    /**
     * Trains until the configured epoch count, from the state a resume restored or from the start; the
     * test set is evaluated after each epoch. Returns every epoch's metrics, restored ones included.
     */
    public List<EpochMetrics> train(ImageDataset train, ImageDataset test, TrainingListener listener) {
        TrainingConfig tc = config.getTraining();
        int count = train.count();
        if (state.trainImages != 0 && state.trainImages != count) {
            throw new FashionException("cannot resume: the checkpoint was taken on " + state.trainImages
                    + " training images, this run has " + count + " (different data or --train-limit?)");
        }
        state.trainImages = count;
        int batch = Math.min(tc.getBatchSize(), count);
        TrainStep step = newStep(batch);
        Evaluator evaluator = new Evaluator(model, loss, norm, kernels);
        int[] order = new int[count];
        int batches = (count + batch - 1) / batch;

        for (TrainingState s = state; s.epoch <= tc.getEpochs(); ) {
            for (int i = 0; i < count; i++) order[i] = i;
            shuffleRng.setState(s.epochShuffleState);
            if (tc.isShuffle()) shuffleRng.shuffle(order);
            long start = System.nanoTime() - (long) (s.epochSeconds * 1e9);
            while (s.batch < batches) {
                int offset = s.batch * batch;
                int n = Math.min(batch, count - offset);
                double batchLoss = step.run(train, order, offset, n);
                if (!Double.isFinite(batchLoss)) throw diverged(batchLoss);
                s.batchDone(batchLoss, n, step.lastCorrect(), (System.nanoTime() - start) / 1e9);
                listener.batch(s.epoch, s.batch, batches, s.epochLossSum / (offset + n), offset + n, s.epochSeconds);
                // The last batch of an epoch is followed by the epoch's own checkpoint.
                if (checkpointEvery > 0 && optimizer.steps() % checkpointEvery == 0 && s.batch < batches) checkpoint();
                if (stopRequested.getAsBoolean()) stop();
            }
            long evalStart = System.nanoTime();
            Evaluator.Result eval = evaluator.evaluate(test);
            Timeline.add("test_passes", (System.nanoTime() - evalStart) / 1e9);
            EpochMetrics m = new EpochMetrics(s.epoch, s.epochLossSum / count, (double) s.epochCorrect / count,
                    eval.loss(), eval.accuracy(), s.epochSeconds, count / s.epochSeconds);
            s.epochDone(m, shuffleRng.state());
            listener.epoch(m, tc.getEpochs());
            checkpoint();
            if (stopRequested.getAsBoolean() && s.epoch <= tc.getEpochs()) stop();
        }
        return state.history();
    }

    private void checkpoint() {
        if (checkpointFile == null) return;
        long t0 = System.nanoTime();
        Checkpoint.write(checkpointFile, config, model, optimizer, dropoutRng, state);
        Timeline.add("checkpoints", (System.nanoTime() - t0) / 1e9);
        lastCheckpoint = state.position() + ", step " + optimizer.steps();
    }

    private void stop() {
        checkpoint();
        throw new TrainingStopped(state, optimizer.steps(), checkpointFile);
    }

    /** Nothing is saved: the weights are still those of the last finite step, and the last checkpoint stays as it was. */
    private TrainingFault diverged(double batchLoss) {
        String kept = checkpointFile == null ? ""
                : lastCheckpoint == null ? "; no checkpoint was written yet"
                : "; the last good checkpoint (" + lastCheckpoint + ") is kept in " + checkpointFile;
        return new TrainingFault(String.format("training diverged at epoch %d, step %d: the loss is %s "
                        + "(last finite batch loss %.4f); learning rate too high? (now %s)%s", state.epoch, optimizer.steps() + 1,
                batchLoss, state.lastFiniteLoss, config.getOptimizer().getLr(), kept));
    }
}
