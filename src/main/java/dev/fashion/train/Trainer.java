package dev.fashion.train;

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

import java.util.ArrayList;
import java.util.List;

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

    /** A step runner over this trainer's model, optimizer and random streams, for {@code batch} samples. */
    public TrainStep newStep(int batch) {
        return new TrainStep(model, loss, optimizer, kernels, norm, dropoutRng, batch);
    }

    /** Trains for the configured epochs; the test set is evaluated after each one. */
    public List<EpochMetrics> train(ImageDataset train, ImageDataset test, TrainingListener listener) {
        TrainingConfig tc = config.getTraining();
        int count = train.count();
        int batch = Math.min(tc.getBatchSize(), count);
        TrainStep step = newStep(batch);
        Evaluator evaluator = new Evaluator(model, loss, norm, kernels);
        int[] order = new int[count];
        int batches = (count + batch - 1) / batch;
        List<EpochMetrics> history = new ArrayList<>();
        double lastFinite = Double.NaN;

        for (int epoch = 1; epoch <= tc.getEpochs(); epoch++) {
            for (int i = 0; i < count; i++) order[i] = i;
            if (tc.isShuffle()) shuffleRng.shuffle(order);
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            for (int b = 0; b < batches; b++) {
                int offset = b * batch;
                int n = Math.min(batch, count - offset);
                double batchLoss = step.run(train, order, offset, n);
                if (!Double.isFinite(batchLoss)) {
                    throw new TrainingFault(String.format("training diverged at epoch %d, step %d: the loss is %s "
                            + "(last finite batch loss %.4f); learning rate too high? (now %s)", epoch, optimizer.steps() + 1,
                            batchLoss, lastFinite, config.getOptimizer().getLr()));
                }
                lastFinite = batchLoss / n;
                lossSum += batchLoss;
                correct += step.lastCorrect();
                listener.batch(epoch, b + 1, batches, lossSum / (offset + n), offset + n, (System.nanoTime() - start) / 1e9);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluator.Result eval = evaluator.evaluate(test);
            EpochMetrics m = new EpochMetrics(epoch, lossSum / count, (double) correct / count,
                    eval.loss(), eval.accuracy(), seconds, count / seconds);
            history.add(m);
            listener.epoch(m, tc.getEpochs());
        }
        return history;
    }
}
