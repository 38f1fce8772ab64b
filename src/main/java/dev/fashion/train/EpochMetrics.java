package dev.fashion.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One line of metrics.jsonl: what one epoch did. Seconds and images/s count training only. */
public record EpochMetrics(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("train_accuracy") double trainAccuracy,
        @JsonProperty("test_loss") double testLoss,
        @JsonProperty("test_accuracy") double testAccuracy,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("images_per_second") double imagesPerSecond) {

    /** The line printed after each epoch. */
    public String line(int epochs) {
        return String.format("epoch %d/%d  train loss %.4f  acc %6.2f%%  |  test loss %.4f  acc %6.2f%%  |  %.2f s  %,.0f images/s",
                epoch, epochs, trainLoss, 100 * trainAccuracy, testLoss, 100 * testAccuracy, seconds, imagesPerSecond);
    }
}
