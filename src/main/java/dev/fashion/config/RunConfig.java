package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole run: model, loss, optimizer, learning-rate schedule, training settings and data. Every section
 * has defaults. The loss is a name ({@code cross_entropy}) or, with label smoothing, a section
 * ({@code {type: cross_entropy, label_smoothing: 0.1}}).
 */
@JsonPropertyOrder({"model", "loss", "optimizer", "schedule", "training", "data"})
public final class RunConfig {
    private ModelConfig model = new ModelConfig();
    private String loss = "nll";
    private double labelSmoothing = 0.0;
    private OptimizerConfig optimizer = new OptimizerConfig();
    private ScheduleConfig schedule = new ScheduleConfig();
    private TrainingConfig training = new TrainingConfig();
    private DataConfig data = new DataConfig();

    /** Where each field was written ("file:line:col" by dotted path), when the config came from a file. */
    @JsonIgnore
    private Map<String, String> locations = Map.of();

    void locations(Map<String, String> locations) {
        this.locations = Map.copyOf(locations);
    }

    /**
     * "file:line:col: path" for a field written in the config file, else just the path: the start of an
     * error about a value that only turns out wrong later (with the data loaded, say).
     */
    public String locate(String path) {
        String at = locations.get(path);
        return at == null ? path : at + ": " + path;
    }

    /** Settings that are wrong only together; each error is located at the field to change. */
    void checkCombinations() {
        for (String stray : schedule.strayFields()) {
            throw new IllegalStateException(locate("schedule." + stray) + ": a " + schedule.getType()
                    + " schedule has no " + stray + " (its fields: "
                    + (ScheduleConfig.FIELDS.get(schedule.getType()).isEmpty() ? "none"
                    : String.join(", ", ScheduleConfig.FIELDS.get(schedule.getType()))) + ")");
        }
        if (schedule.getType().equals("cosine") && schedule.warmupEpochs() >= training.getEpochs()) {
            throw new IllegalStateException(locate("schedule.warmup_epochs") + ": a warm-up of " + schedule.warmupEpochs()
                    + " epochs leaves nothing of the " + training.getEpochs() + "-epoch run to anneal (expected fewer)");
        }
        DataConfig.Augment augment = data.getAugment();
        if (augment != null && augment.active() && model.getInput().size() != 3) {
            throw new IllegalStateException(locate("data.augment") + ": augmentation shifts and flips images, but the model's "
                    + "input is " + model.getInput() + ", not an image [channels, height, width]");
        }
        int limit = data.getTrainLimit();
        if (limit > 0 && data.getValidation() >= limit) {
            throw new IllegalStateException(locate("data.validation") + ": a validation split of " + data.getValidation()
                    + " images leaves none of the " + limit + " training images (train_limit) to train on");
        }
        if (data.getValidation() == 0) {
            if (training.getKeep().equals("best")) {
                throw new IllegalStateException(locate("training.keep") + ": keep: best chooses by validation accuracy "
                        + "and needs a validation split (data.validation: N); the test set never chooses");
            }
            if (training.getEarlyStopping() != null) {
                throw new IllegalStateException(locate("training.early_stopping") + ": early stopping watches the "
                        + "validation accuracy and needs a validation split (data.validation: N)");
            }
        }
    }

    public ModelConfig getModel() {
        return model;
    }

    public void setModel(ModelConfig model) {
        if (model == null) throw new IllegalArgumentException("model needs input and layers");
        this.model = model;
    }

    @JsonIgnore
    public String getLoss() {
        return loss;
    }

    @JsonIgnore
    public void setLoss(String loss) {
        if (!"nll".equals(loss) && !"cross_entropy".equals(loss)) {
            throw new IllegalArgumentException("expected nll or cross_entropy, got '" + loss + "'");
        }
        this.loss = loss;
    }

    /**
     * PyTorch's label smoothing: the target puts 1 - e on the label and e / classes on every class
     * (CrossEntropyLoss(label_smoothing=e)). 0: none.
     */
    @JsonIgnore
    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    @JsonIgnore
    public void setLabelSmoothing(double e) {
        if (!(e >= 0 && e < 1)) throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + e);
        this.labelSmoothing = e;
    }

    /** The loss as written: its name, or a section when it has options. */
    @JsonProperty("loss")
    Object lossValue() {
        if (labelSmoothing == 0) return loss;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", loss);
        m.put("label_smoothing", labelSmoothing);
        return m;
    }

    @JsonProperty("loss")
    void lossValue(JsonNode node) {
        if (node == null || node.isNull()) throw new IllegalArgumentException("expected nll or cross_entropy");
        if (node.isTextual()) {
            setLoss(node.asText());
            setLabelSmoothing(0);
            return;
        }
        if (!node.isObject()) throw new IllegalArgumentException("expected nll, cross_entropy or {type: cross_entropy, label_smoothing: X}");
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("type") && !f.equals("label_smoothing")) unknown.add(f);
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field '" + unknown.get(0) + "' (expected one of: label_smoothing, type)");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) throw new IllegalArgumentException("loss needs a 'type': nll or cross_entropy");
        setLoss(type.asText());
        JsonNode ls = node.get("label_smoothing");
        if (ls != null && !ls.isNumber()) throw new IllegalArgumentException("label_smoothing: expected a number");
        setLabelSmoothing(ls == null ? 0 : ls.doubleValue());
    }

    public ScheduleConfig getSchedule() {
        return schedule;
    }

    public void setSchedule(ScheduleConfig schedule) {
        if (schedule == null) throw new IllegalArgumentException("schedule needs a type (" + String.join(", ", ScheduleConfig.TYPES) + ")");
        this.schedule = schedule;
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
