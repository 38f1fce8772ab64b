package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A whole run: model, loss, optimizer, training settings and data. Every section has defaults. */
@JsonPropertyOrder({"model", "loss", "optimizer", "training", "data"})
public final class RunConfig {
    private ModelConfig model = new ModelConfig();
    private String loss = "nll";
    private OptimizerConfig optimizer = new OptimizerConfig();
    private TrainingConfig training = new TrainingConfig();
    private DataConfig data = new DataConfig();

    public ModelConfig getModel() {
        return model;
    }

    public void setModel(ModelConfig model) {
        if (model == null) throw new IllegalArgumentException("model needs input and layers");
        this.model = model;
    }

    public String getLoss() {
        return loss;
    }

    public void setLoss(String loss) {
        if (!"nll".equals(loss) && !"cross_entropy".equals(loss)) {
            throw new IllegalArgumentException("expected nll or cross_entropy, got '" + loss + "'");
        }
        this.loss = loss;
    }

    public OptimizerConfig getOptimizer() {
        return optimizer;
    }

    public void setOptimizer(OptimizerConfig optimizer) {
        if (optimizer == null) throw new IllegalArgumentException("optimizer needs a type");
        this.optimizer = optimizer;
    }

    public TrainingConfig getTraining() {
        return training;
    }

    public void setTraining(TrainingConfig training) {
        if (training == null) throw new IllegalArgumentException("training section is empty");
        this.training = training;
    }

    public DataConfig getData() {
        return data;
    }

    public void setData(DataConfig data) {
        if (data == null) throw new IllegalArgumentException("data section is empty");
        this.data = data;
    }
}
