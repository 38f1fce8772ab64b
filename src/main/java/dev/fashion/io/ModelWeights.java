package dev.fashion.io;

import dev.fashion.FashionException;
import dev.fashion.nn.Buffer;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights as a safetensors file with PyTorch's state_dict names and layouts
 * ({@code fc1.weight} [256, 784], {@code fc1.bias} [256], {@code conv1.weight} [32, 1, 3, 3],
 * {@code bn1.running_mean} [32], {@code bn1.num_batches_tracked} I64 [], ...), so files move both ways
 * between fashion and PyTorch: the state is the parameters and the buffers (running statistics).
 */
public final class ModelWeights {
    private ModelWeights() {
    }

    /** Writes every parameter and buffer, atomically, with string metadata in the header. */
    public static void save(Model model, Path file, Map<String, String> metadata) {
        Safetensors.write(file, stateTensors(model), metadata);
    }

    /** The model's state_dict: per layer its parameters, then its buffers, as PyTorch orders it. */
    public static List<NamedTensor> stateTensors(Model model) {
        List<NamedTensor> tensors = new ArrayList<>();
        for (Layer layer : model.layers()) {
            for (Parameter p : layer.parameters()) tensors.add(new NamedTensor(p.name(), p.shape(), p.data()));
            for (Buffer b : layer.buffers()) {
                tensors.add(b.isCounter() ? NamedTensor.ofLongs(b.name(), b.shape(), new long[] {b.count()})
                        : new NamedTensor(b.name(), b.shape(), b.data()));
            }
        }
        return tensors;
    }

    /** Every state_dict name of the model with its shape, in {@link #stateTensors} order. */
    public static Map<String, int[]> stateShapes(Model model) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (NamedTensor t : stateTensors(model)) shapes.put(t.name(), t.shape());
        return shapes;
    }

    /**
     * Loads weights into {@code model}. Every parameter and buffer must be present with its exact shape and
     * dtype, and the file must hold nothing else: a mismatch names the tensor.
     */
    public static Safetensors.Contents load(Model model, Path file) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, NamedTensor> tensors = contents.tensors();
        Map<String, int[]> expected = stateShapes(model);
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            NamedTensor t = tensors.get(e.getKey());
            if (t == null) throw new FashionException(file + ": missing tensor " + e.getKey() + " " + Arrays.toString(e.getValue()));
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new FashionException(file + ": " + e.getKey() + ": expected " + Arrays.toString(e.getValue())
                        + ", found " + Arrays.toString(t.shape()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name)) {
                throw new FashionException(file + ": unexpected tensor " + name + " (the model has "
                        + List.copyOf(expected.keySet()) + ")");
            }
        }
        restore(model, tensors, file);
        return contents;
    }

    /**
     * Copies the named tensors (already checked for names and shapes) into the model's parameters and
     * buffers; a buffer's dtype must match (I64 for a counter, floats otherwise).
     */
    public static void restore(Model model, Map<String, NamedTensor> tensors, Path file) {
        for (Buffer b : model.buffers()) {
            NamedTensor t = tensors.get(b.name());
            if (b.isCounter() != (t.longs() != null)) {
                throw new FashionException(file + ": " + b.name() + ": expected dtype " + (b.isCounter() ? "I64" : "F32")
                        + ", found " + (t.longs() != null ? "I64" : "a float type"));
            }
        }
        for (Parameter p : model.parameters()) {
            NamedTensor t = tensors.get(p.name());
            if (t.longs() != null) throw new FashionException(file + ": " + p.name() + ": expected dtype F32, found I64");
            System.arraycopy(t.data(), 0, p.data(), 0, p.size());
        }
        for (Buffer b : model.buffers()) {
            NamedTensor t = tensors.get(b.name());
            if (b.isCounter()) b.setCount(t.longs()[0]);
            else System.arraycopy(t.data(), 0, b.data(), 0, b.data().length);
        }
    }
}
