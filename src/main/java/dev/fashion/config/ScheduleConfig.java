package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * How the learning rate moves, stepped per batch, with PyTorch's semantics; {@code optimizer.lr} is the
 * base (for one_cycle the peak, max_lr). Each type reads only its own fields:
 * <ul>
 * <li>{@code constant}: lr throughout.
 * <li>{@code step}: lr · gamma^k after k times {@code step_epochs} epochs (StepLR stepped per batch).
 * <li>{@code cosine}: a linear warm-up over {@code warmup_epochs} (may be fractional; rounded to whole
 *     steps) from lr · {@code warmup_start_factor} to lr, then cosine annealing to {@code min_lr} at the
 *     end of the run (SequentialLR of LinearLR and CosineAnnealingLR).
 * <li>{@code one_cycle}: OneCycleLR with cosine annealing, over the whole run: from lr / {@code div_factor}
 *     up to lr during the first {@code pct_start} of the steps, then down to lr / div_factor /
 *     {@code final_div_factor}. Momentum (Adam's beta1) is not cycled (cycle_momentum=False), as in the
 *     reference recipes.
 * </ul>
 */
@JsonPropertyOrder({"type", "step_epochs", "gamma", "warmup_epochs", "warmup_start_factor", "min_lr", "pct_start",
        "div_factor", "final_div_factor"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ScheduleConfig {
    public static final List<String> TYPES = List.of("constant", "step", "cosine", "one_cycle");
    /** The fields each type reads; any other is an error. */
    static final Map<String, List<String>> FIELDS = Map.of(
            "constant", List.of(),
            "step", List.of("step_epochs", "gamma"),
            "cosine", List.of("warmup_epochs", "warmup_start_factor", "min_lr"),
            "one_cycle", List.of("pct_start", "div_factor", "final_div_factor"));

    private String type = "constant";
    private Integer stepEpochs;
    private Double gamma;
    private Double warmupEpochs;
    private Double warmupStartFactor;
    private Double minLr;
    private Double pctStart;
    private Double divFactor;
    private Double finalDivFactor;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown schedule '" + type + "' (expected one of " + String.join(", ", TYPES) + ")");
        }
        this.type = type;
    }

    public Integer getStepEpochs() {
        return stepEpochs;
    }

    public void setStepEpochs(Integer stepEpochs) {
        if (stepEpochs == null || stepEpochs < 1) throw new IllegalArgumentException("step_epochs must be a positive whole number, got " + stepEpochs);
        this.stepEpochs = stepEpochs;
    }

    public Double getGamma() {
        return gamma;
    }

    public void setGamma(Double gamma) {
        if (gamma == null || !(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        this.gamma = gamma;
    }

    public Double getWarmupEpochs() {
        return warmupEpochs;
    }

    public void setWarmupEpochs(Double warmupEpochs) {
        if (warmupEpochs == null || !(warmupEpochs >= 0) || Double.isInfinite(warmupEpochs)) {
            throw new IllegalArgumentException("warmup_epochs must be zero or positive, got " + warmupEpochs);
        }
        this.warmupEpochs = warmupEpochs;
    }

    public Double getWarmupStartFactor() {
        return warmupStartFactor;
    }

    public void setWarmupStartFactor(Double f) {
        if (f == null || !(f > 0 && f <= 1)) throw new IllegalArgumentException("warmup_start_factor must be in (0, 1], got " + f);
        this.warmupStartFactor = f;
    }

    public Double getMinLr() {
        return minLr;
    }

    public void setMinLr(Double minLr) {
        if (minLr == null || !(minLr >= 0) || Double.isInfinite(minLr)) throw new IllegalArgumentException("min_lr must be zero or positive, got " + minLr);
        this.minLr = minLr;
    }

    public Double getPctStart() {
        return pctStart;
    }

    public void setPctStart(Double pctStart) {
        if (pctStart == null || !(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException("pct_start must be in (0, 1), the share of steps spent rising, got " + pctStart);
        }
        this.pctStart = pctStart;
    }

    public Double getDivFactor() {
        return divFactor;
    }

    public void setDivFactor(Double divFactor) {
        if (divFactor == null || !(divFactor >= 1) || Double.isInfinite(divFactor)) throw new IllegalArgumentException("div_factor must be at least 1, got " + divFactor);
        this.divFactor = divFactor;
    }

    public Double getFinalDivFactor() {
        return finalDivFactor;
    }

    public void setFinalDivFactor(Double f) {
        if (f == null || !(f >= 1) || Double.isInfinite(f)) throw new IllegalArgumentException("final_div_factor must be at least 1, got " + f);
        this.finalDivFactor = f;
    }

    // The values in effect: set, or PyTorch's default.

    @JsonIgnore
    public int stepEpochs() {
        return stepEpochs == null ? 1 : stepEpochs;
    }

    @JsonIgnore
    public double gamma() {
        return gamma == null ? 0.1 : gamma;
    }

    @JsonIgnore
    public double warmupEpochs() {
        return warmupEpochs == null ? 0 : warmupEpochs;
    }

    @JsonIgnore
    public double warmupStartFactor() {
        return warmupStartFactor == null ? 0.01 : warmupStartFactor;
    }

    @JsonIgnore
    public double minLr() {
        return minLr == null ? 0 : minLr;
    }

    @JsonIgnore
    public double pctStart() {
        return pctStart == null ? 0.3 : pctStart;
    }

    @JsonIgnore
    public double divFactor() {
        return divFactor == null ? 25 : divFactor;
    }

    @JsonIgnore
    public double finalDivFactor() {
        return finalDivFactor == null ? 1e4 : finalDivFactor;
    }

    /** The fields set that this type does not read, by their config names. */
    List<String> strayFields() {
        List<String> set = new java.util.ArrayList<>();
        if (stepEpochs != null) set.add("step_epochs");
        if (gamma != null) set.add("gamma");
        if (warmupEpochs != null) set.add("warmup_epochs");
        if (warmupStartFactor != null) set.add("warmup_start_factor");
        if (minLr != null) set.add("min_lr");
        if (pctStart != null) set.add("pct_start");
        if (divFactor != null) set.add("div_factor");
        if (finalDivFactor != null) set.add("final_div_factor");
        set.removeAll(FIELDS.get(type));
        return set;
    }

    /** Whether the learning rate at a step depends on how many epochs the run has. */
    @JsonIgnore
    public boolean spansRun() {
        return type.equals("cosine") || type.equals("one_cycle");
    }
}
