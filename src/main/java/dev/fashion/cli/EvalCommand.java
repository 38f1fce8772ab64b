package dev.fashion.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fashion.FashionException;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.io.AtomicFiles;
import dev.fashion.nn.Loss;
import dev.fashion.nn.Model;
import dev.fashion.report.ConfusionChart;
import dev.fashion.train.ClassificationReport;
import dev.fashion.train.Evaluator;
import dev.fashion.train.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate trained weights on the test set: loss, accuracy, per-class precision, recall and F1,",
                "and the confusion matrix; --out DIR also writes eval.json and confusion.png."})
final class EvalCommand implements Callable<Integer> {
    static final String JSON_FILE = "eval.json";
    static final String CONFUSION_FILE = "confusion.png";

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DataOptions data;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write " + JSON_FILE + " and " + CONFUSION_FILE + " here.")
    Path out;

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
            ClassificationReport report = ClassificationReport.of(r.predictions(), r.labels(),
                    ModelOptions.classNames(model.outputShape().size()));
            System.out.println();
            System.out.print(report.text());
            if (out != null) write(report, r, test);
        }
        return 0;
    }

    private void write(ClassificationReport report, Evaluator.Result r, ImageDataset test) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new FashionException(out + ": cannot create the directory: " + e.getMessage(), e);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", modelOptions.model.toString());
        json.put("data", test.name());
        json.put("loss", r.loss());
        json.putAll(report.toMap());
        try {
            AtomicFiles.writeString(out.resolve(JSON_FILE),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ConfusionChart.write(out.resolve(CONFUSION_FILE), report, String.format("Confusion matrix: %s on %s, accuracy %.2f%%",
                modelOptions.model.getFileName(), test.name(), 100 * report.accuracy()));
        System.out.printf("%nwrote %s and %s%n", out.resolve(JSON_FILE), out.resolve(CONFUSION_FILE));
    }
}
