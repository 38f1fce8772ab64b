package dev.fashion.nn;

import dev.fashion.FashionException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The layer graph: a chain of named layers whose shapes are inferred once, at construction, from the
 * input shape. Parameters are listed in layer order, which is also the order of a PyTorch state_dict.
 */
public final class Model {
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    private final List<Buffer> buffers;
    private final Shape outputShape;

    public Model(Shape inputShape, List<Layer> layers) {
        if (layers.isEmpty()) throw new FashionException("model: needs at least one layer");
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        Set<String> names = new HashSet<>();
        Shape shape = inputShape;
        List<Parameter> params = new ArrayList<>();
        List<Buffer> bufs = new ArrayList<>();
        for (Layer layer : this.layers) {
            if (!names.add(layer.name())) throw new FashionException("model: two layers are named '" + layer.name() + "'");
            shape = layer.bind(shape);
            params.addAll(layer.parameters());
            bufs.addAll(layer.buffers());
        }
        this.outputShape = shape;
        this.parameters = Collections.unmodifiableList(params);
        this.buffers = Collections.unmodifiableList(bufs);
    }

    /** Non-trainable state (batch norm's running statistics), in layer order; saved beside the parameters. */
    public List<Buffer> buffers() {
        return buffers;
    }

    /** The buffer with this state_dict name, or null. */
    public Buffer buffer(String name) {
        for (Buffer b : buffers) if (b.name().equals(name)) return b;
        return null;
    }

    public Shape inputShape() {
        return inputShape;
    }

    public Shape outputShape() {
        return outputShape;
    }

    public List<Layer> layers() {
        return layers;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** Number of trainable floats. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.size();
        return n;
    }

    /** Initialises every layer in order from one generator, as a seeded PyTorch model does. */
    public void initialize(Rng rng) {
        for (Layer layer : layers) layer.initialize(rng);
    }

    /** The parameter with this state_dict name, or null. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) if (p.name().equals(name)) return p;
        return null;
    }

    /** One line per layer: name, type, output shape, parameter count. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  %-13s %-12s %-16s %s%n", "layer", "type", "output", "params"));
        sb.append(String.format("  %-13s %-12s %-16s %s%n", "input", "", inputShape.batched(), ""));
        for (Layer layer : layers) {
            long n = 0;
            for (Parameter p : layer.parameters()) n += p.size();
            sb.append(String.format("  %-13s %-12s %-16s %s%n", layer.name(), layer.type(),
                    layer.outputShape().batched(), n == 0 ? "" : String.format("%,d", n)));
        }
        sb.append(String.format("  total %,d trainable parameters", parameterCount()));
        return sb.toString();
    }
}
