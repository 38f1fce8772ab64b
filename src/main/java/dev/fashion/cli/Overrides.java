package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.config.RunConfig;

/** Command-line values override the config's, through the same validating setters. */
final class Overrides {
    private Overrides() {
    }

    static void apply(RunConfig cfg, Integer epochs, Integer batchSize, Double lr, Long seed) {
        if (epochs != null) set("--epochs", () -> cfg.getTraining().setEpochs(epochs));
        if (batchSize != null) set("--batch-size", () -> cfg.getTraining().setBatchSize(batchSize));
        if (lr != null) set("--lr", () -> cfg.getOptimizer().setLr(lr));
        if (seed != null) cfg.getTraining().setSeed(seed);
    }

    static void set(String flag, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new FashionException(flag + ": " + e.getMessage());
        }
    }
}
