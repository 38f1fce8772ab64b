package dev.fashion.train;

/** Hears about training progress: the CLI prints lines or draws a progress bar from these. */
public interface TrainingListener {
    /** After each batch: {@code done} of {@code total} batches in this epoch, mean loss so far. */
    default void batch(int epoch, int done, int total, double meanLoss, long imagesSeen, double seconds) {
    }

    /** Before each step, the learning rate it uses. */
    default void learningRate(double lr) {
    }

    /** After each epoch, with its metrics. */
    default void epoch(EpochMetrics metrics, int epochs) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
