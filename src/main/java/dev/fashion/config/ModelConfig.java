package dev.fashion.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.ArrayList;
import java.util.List;

/** The model: the shape of one input sample ([C, H, W] or [F]) and the layers in order. */
@JsonPropertyOrder({"input", "layers"})
public final class ModelConfig {
    private List<Integer> input = List.of(1, 28, 28);
    private List<LayerConfig> layers = new ArrayList<>();

    public List<Integer> getInput() {
        return input;
    }

    public void setInput(List<Integer> input) {
        if (input == null || input.isEmpty() || input.size() > 3) {
            throw new IllegalArgumentException("expected 1 to 3 dimensions like [1, 28, 28], got " + input);
        }
        for (Integer d : input) {
            if (d == null || d < 1) throw new IllegalArgumentException("dimensions must be positive, got " + input);
        }
        this.input = List.copyOf(input);
    }

    public List<LayerConfig> getLayers() {
        return layers;
    }

    public void setLayers(List<LayerConfig> layers) {
        if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("the model needs at least one layer");
        int empty = layers.indexOf(null);
        if (empty >= 0) throw new IllegalArgumentException("layer " + (empty + 1) + " is empty, expected {type: ...}");
        this.layers = List.copyOf(layers);
    }
}
