package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImagePreprocessor;
import dev.fashion.io.ModelWeights;
import dev.fashion.nn.Model;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.train.Normalization;
import dev.fashion.train.Predictor;
import dev.fashion.train.RunDirectory;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model: a run directory (its config.yaml and model.safetensors) or a safetensors file
 * (with --config, else the reference config), e.g. one saved from PyTorch.
 */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "RUN_DIR|FILE",
            description = "A run directory from train, or a .safetensors file (PyTorch state_dict names).")
    Path model;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Model config (default: the run directory's config.yaml, else the bundled reference).")
    Path config;

    /** The config that describes the model's layers. */
    RunConfig config() {
        if (config != null) return ConfigLoader.load(config);
        if (Files.isDirectory(model)) {
            Path c = model.resolve(RunDirectory.CONFIG);
            if (!Files.isRegularFile(c)) throw new FashionException(model + ": not a run directory (no " + RunDirectory.CONFIG + ")");
            return ConfigLoader.load(c);
        }
        return ConfigLoader.loadDefault();
    }

    Path weightsFile() {
        Path f = Files.isDirectory(model) ? model.resolve(RunDirectory.WEIGHTS) : model;
        if (!Files.isRegularFile(f)) throw new FashionException(f + ": model file not found");
        return f;
    }

    void loadWeights(Model m) {
        ModelWeights.load(m, weightsFile());
    }

    /** The trained model, ready to predict with {@code cfg}'s normalisation. */
    Predictor predictor(RunConfig cfg, ParallelKernels kernels) {
        Model m = ModelFactory.build(cfg);
        int side = ImagePreprocessor.SIZE;
        if (m.inputShape().size() != side * side) {
            throw new FashionException("model: pictures become " + side + "x" + side + " images, but the model takes "
                    + m.inputShape().batched());
        }
        loadWeights(m);
        return new Predictor(m, Normalization.of(cfg.getData()), kernels);
    }

    /** Fashion-MNIST's names for a 10-class model; "class N" for any other. */
    static List<String> classNames(int classes) {
        if (classes == FashionMnist.CLASS_NAMES.size()) return FashionMnist.CLASS_NAMES;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) names.add("class " + c);
        return names;
    }
}
