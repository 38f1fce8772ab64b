package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.fashion.optim.Optimizer;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The optimizer: adam (the reference), adamw or sgd, with PyTorch's defaults (weight_decay 0.01 for
 * adamw, 0 otherwise). {@code no_decay} exempts parameter groups ("bias", "norm") from weight decay.
 */
@JsonPropertyOrder({"type", "lr", "betas", "eps", "momentum", "nesterov", "weight_decay", "no_decay"})
public final class OptimizerConfig {
    private String type = "adam";
    private double lr = 0.003;
    private List<Double> betas = List.of(0.9, 0.999);
    private double eps = 1e-8;
    private double momentum = 0.0;
    private boolean nesterov = false;
    /** Null until set: then the type's PyTorch default. */
    private Double weightDecay;
    private List<String> noDecay = List.of();

    /** Optimizer types, as the config names them. */
    public static final List<String> TYPES = List.of("adam", "adamw", "sgd");

    public String getType() {
        return type;
    }

    public void setType(String type) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("expected one of " + String.join(", ", TYPES) + ", got '" + type + "'");
        }
        this.type = type;
    }

    public double getLr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        this.lr = lr;
    }

    public List<Double> getBetas() {
        return betas;
    }

    public void setBetas(List<Double> betas) {
        if (betas == null || betas.size() != 2) throw new IllegalArgumentException("expected two values [beta1, beta2], got " + betas);
        for (Double b : betas) {
            if (b == null || !(b >= 0 && b < 1)) throw new IllegalArgumentException("betas must be in [0, 1), got " + betas);
        }
        this.betas = List.copyOf(betas);
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps must be positive, got " + eps);
        this.eps = eps;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        this.momentum = momentum;
    }

    public boolean isNesterov() {
        return nesterov;
    }

    public void setNesterov(boolean nesterov) {
        this.nesterov = nesterov;
    }

    /** As set, or PyTorch's default for the type: 0.01 for AdamW, 0 for Adam and SGD. */
    public double getWeightDecay() {
        return weightDecay != null ? weightDecay : "adamw".equals(type) ? 0.01 : 0.0;
    }

    public void setWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay must be zero or positive, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    /** Parameter groups exempt from weight decay: "bias" (every *.bias), "norm" (normalisation layers' parameters). */
    public List<String> getNoDecay() {
        return noDecay;
    }

    public void setNoDecay(List<String> noDecay) {
        if (noDecay == null) throw new IllegalArgumentException("expected a list like [bias, norm]");
        for (String g : noDecay) {
            if (!Optimizer.DECAY_GROUPS.contains(g)) {
                throw new IllegalArgumentException("expected groups from [bias, norm], got '" + g + "'");
            }
        }
        this.noDecay = List.copyOf(new LinkedHashSet<>(noDecay));
    }
}
