package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How long and in what order to train. {@code keep: best} makes model.safetensors the weights of the
 * epoch with the best validation accuracy (last.safetensors keeps the last epoch's); {@code
 * early_stopping: {patience: K}} ends the run after K epochs without a better validation accuracy. Both
 * need a validation split ({@code data.validation}): the test set never chooses anything.
 */
@JsonPropertyOrder({"epochs", "batch_size", "seed", "shuffle", "keep", "early_stopping"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class TrainingConfig {
    private int epochs = 5;
    private int batchSize = 64;
    private long seed = 0;
    private boolean shuffle = true;
    private String keep = "last";
    private EarlyStopping earlyStopping;

    /** Stop after {@code patience} epochs in a row without a better validation accuracy. */
    public static final class EarlyStopping {
        private int patience = 0;

        public int getPatience() {
            return patience;
        }

        public void setPatience(int patience) {
            if (patience < 1) throw new IllegalArgumentException("patience must be at least 1 epoch, got " + patience);
            this.patience = patience;
        }
    }

    /** "last" or "best" (by validation accuracy). */
    public String getKeep() {
        return keep;
    }

    public void setKeep(String keep) {
        if (!"last".equals(keep) && !"best".equals(keep)) throw new IllegalArgumentException("expected last or best, got '" + keep + "'");
        this.keep = keep;
    }

    /** Null: train every epoch. */
    public EarlyStopping getEarlyStopping() {
        return earlyStopping;
    }

    public void setEarlyStopping(EarlyStopping earlyStopping) {
        if (earlyStopping == null || earlyStopping.getPatience() < 1) {
            throw new IllegalArgumentException("early_stopping needs {patience: K}, K at least 1");
        }
        this.earlyStopping = earlyStopping;
    }

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
