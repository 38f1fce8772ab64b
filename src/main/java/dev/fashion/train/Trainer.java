package dev.fashion.train;

import dev.fashion.FashionException;
import dev.fashion.config.DataConfig;
import dev.fashion.config.OptimizerConfig;
import dev.fashion.config.RunConfig;
import dev.fashion.config.TrainingConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Rng;
import dev.fashion.optim.Adam;
import dev.fashion.optim.LrSchedule;
import dev.fashion.optim.Optimizer;
import dev.fashion.optim.Sgd;
import dev.fashion.parallel.ParallelKernels;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import dev.fashion.io.NamedTensor;
import dev.fashion.io.ModelWeights;
import java.util.Set;
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
        float[] decay = Optimizer.decayPerParameter(model, (float) oc.getWeightDecay(), Set.copyOf(oc.getNoDecay()));
        return switch (oc.getType()) {
            case "adam", "adamw" -> new Adam(model.parameters(), (float) oc.getLr(), oc.getBetas().get(0).floatValue(),
                    oc.getBetas().get(1).floatValue(), (float) oc.getEps(), decay, oc.getType().equals("adamw"));
            case "sgd" -> new Sgd(model.parameters(), (float) oc.getLr(), (float) oc.getMomentum(), decay, oc.isNesterov());
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
        TrainStep step = new TrainStep(model, loss, optimizer, kernels, norm, dropoutRng, batch);
        step.labelSmoothing((float) config.getLabelSmoothing());
        // Augmented from the first step (train() gives each epoch its own key), so bench and the JIT
        // warm-up run the gather the run will.
        DataConfig.Augment augment = config.getData().getAugment();
        if (augment != null && augment.active()) {
            step.augment(augment.getShift(), augment.getFlip(), augmentKey(1));
        }
        return step;
    }

    /** Continues from a checkpoint (which must fit this model and optimizer) instead of the fresh start. */
    public void resumeFrom(Checkpoint checkpoint) {
        if (config.getTraining().getKeep().equals("best")) best = new BestWeights(model);
        checkpoint.restore(model, optimizer, dropoutRng, best);
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
     * Trains until the configured epoch count (or early stopping), from the state a resume restored or
     * from the start; after each epoch the validation split (if any) and the test set are evaluated.
     * Returns every epoch's metrics, restored ones included.
     */
    public List<EpochMetrics> train(ImageDataset fullTrain, ImageDataset test, TrainingListener listener) {
        TrainingConfig tc = config.getTraining();
        int full = fullTrain.count();
        if (state.trainImages != 0 && state.trainImages != full) {
            throw new FashionException("cannot resume: the checkpoint was taken on " + state.trainImages
                    + " training images, this run has " + full + " (different data or --train-limit?)");
        }
        state.trainImages = full;
        ValidationSplit split = ValidationSplit.of(fullTrain, config.getData().getValidation(),
                config.getTraining().getSeed(), config.locate("data.validation"));
        ImageDataset train = split.train();
        ImageDataset validation = split.validation();
        int count = train.count();
        int batch = Math.min(tc.getBatchSize(), count);
        TrainStep step = newStep(batch);
        Evaluator evaluator = new Evaluator(model, loss, norm, kernels);
        int[] order = new int[count];
        int batches = (count + batch - 1) / batch;
        LrSchedule schedule = new LrSchedule(config.getSchedule(), config.getOptimizer().getLr(), batches, tc.getEpochs());
        DataConfig.Augment augment = config.getData().getAugment();
        boolean keepBest = tc.getKeep().equals("best");
        if (keepBest && best == null) best = new BestWeights(model);

        for (TrainingState s = state; s.epoch <= tc.getEpochs() && !earlyStopped(s); ) {
            for (int i = 0; i < count; i++) order[i] = i;
            shuffleRng.setState(s.epochShuffleState);
            if (tc.isShuffle()) shuffleRng.shuffle(order);
            if (augment != null && augment.active()) {
                step.augment(augment.getShift(), augment.getFlip(), augmentKey(s.epoch));
            }
            long start = System.nanoTime() - (long) (s.epochSeconds * 1e9);
            while (s.batch < batches) {
                int offset = s.batch * batch;
                int n = Math.min(batch, count - offset);
                optimizer.setLr(schedule.lr(optimizer.steps()));
                listener.learningRate(optimizer.lr());
                double batchLoss = step.run(train, order, offset, n);
                if (!Double.isFinite(batchLoss)) throw diverged(batchLoss);
                s.batchDone(batchLoss, n, step.lastCorrect(), (System.nanoTime() - start) / 1e9);
                listener.batch(s.epoch, s.batch, batches, s.epochLossSum / (offset + n), offset + n, s.epochSeconds);
                // The last batch of an epoch is followed by the epoch's own checkpoint.
                if (checkpointEvery > 0 && optimizer.steps() % checkpointEvery == 0 && s.batch < batches) checkpoint();
                if (stopRequested.getAsBoolean()) stop();
            }
            long evalStart = System.nanoTime();
            Evaluator.Result val = validation == null ? null : evaluator.evaluate(validation);
            Evaluator.Result eval = evaluator.evaluate(test);
            Timeline.add("test_passes", (System.nanoTime() - evalStart) / 1e9);
            EpochMetrics m = new EpochMetrics(s.epoch, s.epochLossSum / count, (double) s.epochCorrect / count,
                    eval.loss(), eval.accuracy(), s.epochSeconds, count / s.epochSeconds, optimizer.lr(),
                    val == null ? null : val.loss(), val == null ? null : val.accuracy());
            // Strictly better only: the earliest of equally good epochs is kept.
            if (keepBest && m.validationAccuracy() != null && s.epoch == bestEpoch(s.history, m)) best.take(model, s.epoch);
            s.epochDone(m, shuffleRng.state());
            listener.epoch(m, tc.getEpochs());
            checkpoint();
            if (stopRequested.getAsBoolean() && s.epoch <= tc.getEpochs() && !earlyStopped(s)) stop();
        }
        return state.history();
    }

    /** The augmentation draws of an epoch: a key from the seed and the epoch (see ImageDataset#fillRowsAugmented). */
    private long augmentKey(int epoch) {
        return Rng.hash(Rng.forPurpose(config.getTraining().getSeed(), "augment").nextLong(), epoch);
    }

    /** The epoch with the best validation accuracy so far, {@code latest} included (the earliest of ties). */
    private static int bestEpoch(List<EpochMetrics> history, EpochMetrics latest) {
        EpochMetrics best = latest;
        for (EpochMetrics h : history) {
            if (h.validationAccuracy() != null && (h.validationAccuracy() > best.validationAccuracy()
                    || (h.validationAccuracy().equals(best.validationAccuracy()) && h.epoch() < best.epoch()))) {
                best = h;
            }
        }
        return best.epoch();
    }

    /** The best epoch by validation accuracy, or 0 without a validation split. */
    public int bestEpoch() {
        List<EpochMetrics> h = state.history;
        if (h.isEmpty() || h.get(h.size() - 1).validationAccuracy() == null) return 0;
        return bestEpoch(h, h.get(h.size() - 1));
    }

    /** Whether early stopping ends the run here: {@code patience} epochs since the best validation accuracy. */
    private boolean earlyStopped(TrainingState s) {
        TrainingConfig.EarlyStopping es = config.getTraining().getEarlyStopping();
        if (es == null || s.history.isEmpty() || s.batch != 0) return false;
        int bestEpoch = bestEpoch();
        return bestEpoch > 0 && s.history.size() - bestEpoch >= es.getPatience();
    }

    /** Whether the run ended before its configured epochs because validation stopped improving. */
    public boolean stoppedEarly() {
        return state.epoch <= config.getTraining().getEpochs() && earlyStopped(state);
    }

    /** With {@code keep: best}, the best epoch's weights in parameter order; else null. */
    public BestWeights best() {
        return best;
    }

    private BestWeights best;

    /**
     * A copy of the model's state (parameters and buffers such as batch norm's running statistics) at the
     * best epoch so far, taken after that epoch; its arrays are allocated once.
     */
    public static final class BestWeights {
        /** The state_dict's tensors, in {@link ModelWeights#stateTensors} order, as copies. */
        final List<NamedTensor> state = new ArrayList<>();
        int epoch;

        BestWeights(Model model) {
            for (NamedTensor t : ModelWeights.stateTensors(model)) {
                state.add(t.longs() != null ? NamedTensor.ofLongs(t.name(), t.shape(), t.longs().clone())
                        : new NamedTensor(t.name(), t.shape(), t.data().clone()));
            }
        }

        void take(Model model, int epoch) {
            List<NamedTensor> now = ModelWeights.stateTensors(model);
            for (int i = 0; i < state.size(); i++) {
                NamedTensor from = now.get(i), to = state.get(i);
                if (to.longs() != null) System.arraycopy(from.longs(), 0, to.longs(), 0, to.longs().length);
                else System.arraycopy(from.data(), 0, to.data(), 0, to.data().length);
            }
            this.epoch = epoch;
        }

        /** The epoch these weights are from (0: none yet). */
        public int epoch() {
            return epoch;
        }

        /** Copies them into {@code model}'s parameters and buffers. */
        public void copyInto(Model model) {
            Map<String, NamedTensor> byName = new LinkedHashMap<>();
            for (NamedTensor t : state) byName.put(t.name(), t);
            ModelWeights.restore(model, byName, null);
        }
    }

    private void checkpoint() {
        if (checkpointFile == null) return;
        long t0 = System.nanoTime();
        Checkpoint.write(checkpointFile, config, model, optimizer, dropoutRng, state, best);
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
                batchLoss, state.lastFiniteLoss, optimizer.lr(), kept));
    }
}
