package dev.fashion.cli;

import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.train.Evaluator;
import dev.fashion.train.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate trained weights on the test set: loss and accuracy.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DataOptions data;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        RunConfig cfg = modelOptions.config();
        data.applyTo(cfg);
        try (RuntimeOptions.Runtime rt = runtime.open()) {
            Model model = ModelFactory.build(cfg);
            modelOptions.loadWeights(model);
            ImageDataset test = DataOptions.loadTest(cfg);
            Evaluator.Result r = new Evaluator(model, Loss.parse(cfg.getLoss()), Normalization.of(cfg.getData()),
                    rt.kernels()).evaluate(test);
            System.out.printf("test loss %.4f, accuracy %.2f%% on %,d images (%s, %s kernels)%n",
                    r.loss(), 100 * r.accuracy(), r.count(), test.name(), rt.kernels().kernels().name());
        }
        return 0;
    }
}
