package dev.fashion.io;

import dev.fashion.FashionException;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model's weights as a safetensors file with PyTorch's state_dict names and layouts
 * ({@code fc1.weight} [256, 784], {@code fc1.bias} [256], ...), so files move both ways between
 * fashion and PyTorch.
 */
public final class ModelWeights {
    private ModelWeights() {
    }

    /** Writes every parameter, atomically, with string metadata in the header. */
    public static void save(Model model, Path file, Map<String, String> metadata) {
        List<NamedTensor> tensors = new ArrayList<>();
        for (Parameter p : model.parameters()) tensors.add(new NamedTensor(p.name(), p.shape(), p.data()));
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Loads weights into {@code model}. Every parameter must be present with its exact shape, and the
     * file must hold nothing else: a mismatch names the tensor and both shapes.
     */
    public static Safetensors.Contents load(Model model, Path file) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, NamedTensor> tensors = contents.tensors();
        for (Parameter p : model.parameters()) {
            NamedTensor t = tensors.get(p.name());
            if (t == null) throw new FashionException(file + ": missing tensor " + p.name() + " " + Arrays.toString(p.shape()));
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new FashionException(file + ": " + p.name() + ": expected " + Arrays.toString(p.shape())
                        + ", found " + Arrays.toString(t.shape()));
            }
        }
        for (String name : tensors.keySet()) {
            if (model.parameter(name) == null) {
                throw new FashionException(file + ": unexpected tensor " + name + " (the model has "
                        + model.parameters().stream().map(Parameter::name).toList() + ")");
            }
        }
        for (Parameter p : model.parameters()) {
            float[] src = tensors.get(p.name()).data();
            System.arraycopy(src, 0, p.data(), 0, p.size());
        }
        return contents;
    }
}
