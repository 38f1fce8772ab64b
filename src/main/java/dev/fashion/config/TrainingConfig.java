package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** How long and in what order to train. */
@JsonPropertyOrder({"epochs", "batch_size", "seed", "shuffle"})
public final class TrainingConfig {
    private int epochs = 5;
    private int batchSize = 64;
    private long seed = 0;
    private boolean shuffle = true;

    public int getEpochs() {
        return epochs;
    }

    public void setEpochs(int epochs) {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        this.epochs = epochs;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 65536) {
            throw new IllegalArgumentException("batch size must be between 1 and 65536, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public boolean isShuffle() {
        return shuffle;
    }

    public void setShuffle(boolean shuffle) {
        this.shuffle = shuffle;
    }
}
