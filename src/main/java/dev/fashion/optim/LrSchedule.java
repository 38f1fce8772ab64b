package dev.fashion.optim;

import dev.fashion.config.ScheduleConfig;

/**
 * The learning rate of every step of a run, as a pure function of the step's index, so a resumed run
 * (which restores the step count) continues on the same curve. Formulas are PyTorch's (see
 * {@link ScheduleConfig}); where PyTorch updates a rate recursively (StepLR, CosineAnnealingLR) this
 * uses the closed form it approximates, equal to about 1e-15 relative.
 */
public final class LrSchedule {
    private final String type;
    private final double base;
    private final long total;
    private final long stepSize;
    private final double gamma;
    private final long warmup;
    private final double startFactor;
    private final double minLr;
    // one_cycle
    private final double initialLr, finalLr, peakStep;

    /**
     * @param base           optimizer.lr (for one_cycle, max_lr)
     * @param stepsPerEpoch  batches per epoch
     * @param epochs         epochs of the whole run
     */
    public LrSchedule(ScheduleConfig c, double base, long stepsPerEpoch, int epochs) {
        this.type = c.getType();
        this.base = base;
        this.total = stepsPerEpoch * epochs;
        this.stepSize = c.stepEpochs() * stepsPerEpoch;
        this.gamma = c.gamma();
        this.warmup = Math.min(Math.round(c.warmupEpochs() * stepsPerEpoch), Math.max(0, total - 1));
        this.startFactor = c.warmupStartFactor();
        this.minLr = c.minLr();
        this.initialLr = base / c.divFactor();
        this.finalLr = initialLr / c.finalDivFactor();
        // OneCycleLR: phase one ends at float(pct_start * total_steps) - 1.
        this.peakStep = c.pctStart() * total - 1;
    }

    /** The learning rate of step {@code t} (0 for the run's first step). */
    public double lr(long t) {
        return switch (type) {
            case "constant" -> base;
            case "step" -> {
                double lr = base;
                for (long k = t / stepSize; k > 0; k--) lr *= gamma; // StepLR multiplies at each boundary
                yield lr;
            }
            case "cosine" -> {
                if (t < warmup) yield base * (startFactor + (1 - startFactor) * t / warmup);
                long span = total - warmup;
                yield minLr + (base - minLr) * (1 + Math.cos(Math.PI * (t - warmup) / span)) / 2;
            }
            case "one_cycle" -> {
                // OneCycleLR.get_lr, two phases, anneal_strategy "cos".
                if (t <= peakStep) yield peakStep <= 0 ? base : cos(initialLr, base, t / peakStep);
                yield cos(base, finalLr, (t - peakStep) / (total - 1 - peakStep));
            }
            default -> throw new IllegalStateException("unchecked schedule " + type);
        };
    }

    /** OneCycleLR._annealing_cos: from start at pct 0 to end at pct 1. */
    private static double cos(double start, double end, double pct) {
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }

    /** Steps in the run the schedule was made for. */
    public long totalSteps() {
        return total;
    }
}
