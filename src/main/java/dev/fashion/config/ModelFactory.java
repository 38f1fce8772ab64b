package dev.fashion.config;

import dev.fashion.FashionException;
import dev.fashion.nn.BatchNorm;
import dev.fashion.nn.Conv2d;
import dev.fashion.nn.Dropout;
import dev.fashion.nn.Flatten;
import dev.fashion.nn.Layer;
import dev.fashion.nn.Linear;
import dev.fashion.nn.LogSoftmax;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.nn.Pool2d;
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

    /** More values than this (0.5 GB of weights) is a typo or a hostile config for a CPU trainer, refused before allocating. */
    public static final long MAX_PARAMETERS = 1L << 27;

    /** Builds and shape-checks the model; unnamed layers get {@code <type><n>} names (relu1, relu2...). */
    public static Model build(RunConfig config) {
        ModelConfig mc = config.getModel();
        checkSize(mc);
        Map<String, Integer> counts = new HashMap<>();
        List<Layer> layers = new ArrayList<>();
        for (LayerConfig lc : mc.getLayers()) {
            int n = counts.merge(lc.type(), 1, Integer::sum);
            String name = lc.name() != null ? lc.name() : lc.type() + n;
            layers.add(switch (lc.type()) {
                case "flatten" -> new Flatten(name);
                case "linear" -> new Linear(name, lc.in() == null ? 0 : lc.in(), lc.out(), lc.bias() == null || lc.bias());
                case "conv2d" -> new Conv2d(name, lc.in() == null ? 0 : lc.in(), lc.out(),
                        LayerConfig.height(lc.kernel(), 0), LayerConfig.width(lc.kernel(), 0),
                        LayerConfig.height(lc.stride(), 1), LayerConfig.width(lc.stride(), 1),
                        LayerConfig.height(lc.padding(), 0), LayerConfig.width(lc.padding(), 0), lc.bias() == null || lc.bias());
                case "max_pool", "avg_pool" -> new Pool2d(name, lc.type().equals("max_pool"),
                        LayerConfig.height(lc.kernel(), 0), LayerConfig.width(lc.kernel(), 0),
                        LayerConfig.height(lc.stride(), 0), LayerConfig.width(lc.stride(), 0));
                case "batch_norm" -> new BatchNorm(name, lc.in() == null ? 0 : lc.in(),
                        lc.eps() == null ? BatchNorm.DEFAULT_EPS : lc.eps(),
                        lc.momentum() == null ? BatchNorm.DEFAULT_MOMENTUM : lc.momentum());
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

    /** Counts what the layers would allocate, saturating instead of overflowing, before any of it is. */
    private static void checkSize(ModelConfig mc) {
        long features = 1;
        for (int d : mc.getInput()) features = times(features, d);
        if (features > MAX_PARAMETERS) {
            throw new FashionException(String.format("model: input %s has %,d values per sample, more than the limit of %,d",
                    mc.getInput(), features, MAX_PARAMETERS));
        }
        long parameters = 0;
        for (LayerConfig lc : mc.getLayers()) {
            if (!lc.type().equals("linear")) continue;
            long weights = times(features, lc.out());
            parameters = Math.min(parameters + weights + lc.out(), Long.MAX_VALUE / 2);
            if (parameters > MAX_PARAMETERS) {
                throw new FashionException(String.format("model: linear layer %s brings the parameter count to %,d, more than the "
                        + "limit of %,d", lc.name() == null ? "out: " + lc.out() : lc.name(), parameters, MAX_PARAMETERS));
            }
            features = lc.out();
        }
    }

    private static long times(long a, long b) {
        return a > Long.MAX_VALUE / 4 / b ? Long.MAX_VALUE / 4 : a * b;
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
