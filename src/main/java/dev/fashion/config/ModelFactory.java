package dev.fashion.config;

import dev.fashion.FashionException;
import dev.fashion.nn.Dropout;
import dev.fashion.nn.Flatten;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Linear;
import dev.fashion.nn.LogSoftmax;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Relu;
import dev.fashion.nn.Shape;
import dev.fashion.nn.Softmax;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the layer graph a config describes and checks it fits the loss. */
public final class ModelFactory {
    private ModelFactory() {
    }

    /** Builds and shape-checks the model; unnamed layers get {@code <type><n>} names (relu1, relu2...). */
    public static Model build(RunConfig config) {
        ModelConfig mc = config.getModel();
        Map<String, Integer> counts = new HashMap<>();
        List<Layer> layers = new ArrayList<>();
        for (LayerConfig lc : mc.getLayers()) {
            int n = counts.merge(lc.type(), 1, Integer::sum);
            String name = lc.name() != null ? lc.name() : lc.type() + n;
            layers.add(switch (lc.type()) {
                case "flatten" -> new Flatten(name);
                case "linear" -> new Linear(name, lc.in() == null ? 0 : lc.in(), lc.out(), lc.bias() == null || lc.bias());
                case "relu" -> new Relu(name);
                case "dropout" -> new Dropout(name, lc.p());
                case "softmax" -> new Softmax(name);
                case "log_softmax" -> new LogSoftmax(name);
                default -> throw new FashionException("model: unknown layer type '" + lc.type() + "'");
            });
        }
        int[] dims = mc.getInput().stream().mapToInt(Integer::intValue).toArray();
        Model model = new Model(new Shape(dims), layers);
        checkLoss(model, Loss.parse(config.getLoss()));
        return model;
    }

    private static void checkLoss(Model model, Loss loss) {
        Shape out = model.outputShape();
        if (out.rank() != 1) {
            throw new FashionException("model: output must be [N, classes] for a classification loss, got " + out.batched());
        }
        String last = model.layers().get(model.layers().size() - 1).type();
        if (loss == Loss.NLL && !last.equals("log_softmax")) {
            throw new FashionException("loss nll expects log-probabilities: end the model with a log_softmax layer "
                    + "(or use loss: cross_entropy on raw scores); the last layer is " + last);
        }
        if (loss == Loss.CROSS_ENTROPY && (last.equals("log_softmax") || last.equals("softmax"))) {
            throw new FashionException("loss cross_entropy applies log-softmax itself: remove the final " + last
                    + " layer (or use loss: nll with log_softmax)");
        }
    }
}
