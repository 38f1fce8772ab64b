package dev.fashion.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands between two steps: the loop advances it, a checkpoint saves it, a resumed run
 * starts from it. The shuffle generator's state is kept as it was at the start of the epoch, so a
 * resumed run redraws the same order and skips the batches already done.
 */
public final class TrainingState {
    /** The epoch in progress, from 1. */
    int epoch = 1;
    /** Batches of this epoch already trained. */
    int batch;
    /** The shuffle generator before this epoch's shuffle. */
    long epochShuffleState;
    /** Running sums over this epoch's finished batches, for its metrics. */
    double epochLossSum;
    long epochCorrect;
    double epochSeconds;
    /** The last finite mean batch loss, for the divergence message. */
    double lastFiniteLoss = Double.NaN;
    /** Training images the run uses; 0 until the loop starts. A resume must see the same count. */
    int trainImages;
    final List<EpochMetrics> history = new ArrayList<>();

    TrainingState(long epochShuffleState) {
        this.epochShuffleState = epochShuffleState;
    }

    void batchDone(double lossSum, int samples, int correct, double seconds) {
        batch++;
        epochLossSum += lossSum;
        epochCorrect += correct;
        epochSeconds = seconds;
        lastFiniteLoss = lossSum / samples;
    }

    void epochDone(EpochMetrics metrics, long nextShuffleState) {
        history.add(metrics);
        epoch++;
        batch = 0;
        epochShuffleState = nextShuffleState;
        epochLossSum = 0;
        epochCorrect = 0;
        epochSeconds = 0;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }

    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }

    /** "epoch 2, batch 17" or "the end of epoch 1". */
    public String position() {
        return batch == 0 ? (epoch == 1 ? "the start" : "the end of epoch " + (epoch - 1)) : "epoch " + epoch + ", batch " + batch;
    }
}
