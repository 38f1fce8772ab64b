package dev.fashion.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of metrics.jsonl: what one epoch did. Seconds and images/s count training only. {@code lr}
 * is the learning rate of the epoch's last step; the validation fields are there when the run holds out
 * a validation split ({@code data.validation}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochMetrics(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("train_accuracy") double trainAccuracy,
        @JsonProperty("test_loss") double testLoss,
        @JsonProperty("test_accuracy") double testAccuracy,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("images_per_second") double imagesPerSecond,
        @JsonProperty("lr") Double lr,
        @JsonProperty("validation_loss") Double validationLoss,
        @JsonProperty("validation_accuracy") Double validationAccuracy) {

    /** Without learning rate and validation (as before schedules and validation splits). */
    public EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                        double seconds, double imagesPerSecond) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, seconds, imagesPerSecond, null, null, null);
    }

    /** The line printed after each epoch, with the learning rate when there is one. */
    public String line(int epochs) {
        return line(epochs, lr != null);
    }

    /** The line printed after each epoch; {@code withLr}: the learning rate of its last step too. */
    public String line(int epochs, boolean withLr) {
        String val = validationAccuracy == null ? ""
                : String.format("  |  val loss %.4f  acc %6.2f%%", validationLoss, 100 * validationAccuracy);
        String rate = lr == null || !withLr ? "" : String.format("  |  lr %.3g", lr);
        return String.format("epoch %d/%d  train loss %.4f  acc %6.2f%%%s  |  test loss %.4f  acc %6.2f%%  |  %.2f s  %,.0f images/s%s",
                epoch, epochs, trainLoss, 100 * trainAccuracy, val, testLoss, 100 * testAccuracy, seconds, imagesPerSecond, rate);
    }
}
