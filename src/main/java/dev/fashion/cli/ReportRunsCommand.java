package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.ModelFactory;
import dev.fashion.config.RunConfig;
import dev.fashion.data.ImageDataset;
import dev.fashion.io.ModelWeights;
import dev.fashion.nn.Model;
import dev.fashion.report.html.Analysis;
import dev.fashion.report.html.RunData;
import dev.fashion.report.html.RunsReport;
import dev.fashion.train.ClassificationReport;
import dev.fashion.train.Normalization;
import dev.fashion.train.Predictor;
import dev.fashion.train.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "runs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write one self-contained HTML page about runs (no scripts, nothing fetched;",
                "opens offline and prints): the runs and the settings they differ in, overlaid",
                "training curves, one run's confusion matrix, per-class scores and most",
                "confidently wrong test images, and bench and JMH results when present."})
final class ReportRunsCommand implements Callable<Integer> {
    /** Enough wrong images to see patterns; each costs about 2 KB of the page. */
    static final int MAX_GALLERY = 200;

    @Parameters(paramLabel = "RUN_DIR|SWEEP_DIR", arity = "1..*", description = "Run directories, or sweep directories (all their runs).")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "FILE.html", description = "The page to write (default: report.html in the first directory).")
    Path out;

    @Option(names = "--run", paramLabel = "NAME", description = "The run to look into (default: the best by validation, else test accuracy).")
    String run;

    @Option(names = "--gallery", paramLabel = "N", defaultValue = "24",
            description = "Most confidently wrong test images to show (0: none; default: ${DEFAULT-VALUE}).")
    int gallery;

    @Option(names = "--title", paramLabel = "TEXT", description = "The page's title (default: from the directories' names).")
    String title;

    @Option(names = "--data", paramLabel = "DIR", description = "The IDX files to evaluate the chosen run on (default: its config's).")
    Path data;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        if (gallery < 0 || gallery > MAX_GALLERY) throw new FashionException("--gallery: expected 0.." + MAX_GALLERY + ", got " + gallery);
        List<RunData> runs = RunData.load(dirs);
        RunData chosen = choose(runs);
        Analysis analysis = null;
        if (chosen != null) {
            try {
                analysis = analyse(chosen);
            } catch (FashionException e) {
                if (run != null) throw e;
                // The runs' numbers are still worth a page; only the look into one model is missing.
                System.err.println("warning: " + chosen.name() + " not evaluated, the page has no confusion matrix or gallery: "
                        + e.getMessage() + " (--data DIR points at the data)");
            }
        }
        Path file = out != null ? out : dirs.get(0).resolve("report.html");
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new FashionException("--out " + file + ": cannot create its directory: " + e.getMessage(), e);
        }
        String name = title != null ? title : "fashion: " + String.join(", ", dirs.stream().map(d -> {
            Path n = d.toAbsolutePath().normalize().getFileName();
            return n == null ? d.toString() : n.toString();
        }).toList());
        new RunsReport(runs, analysis, name).write(file);
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            bytes = -1;
        }
        System.out.printf("wrote %s (%,d KB): %d run%s%s%n", file, (bytes + 1023) / 1024, runs.size(), runs.size() == 1 ? "" : "s",
                analysis == null ? "" : "; looked into " + analysis.run());
        return 0;
    }

    private RunData choose(List<RunData> runs) {
        if (run != null) {
            RunData r = runs.stream().filter(x -> x.name().equals(run) || x.dir().getFileName().toString().equals(run)).findFirst()
                    .orElseThrow(() -> new FashionException("--run " + run + ": no such run among "
                            + String.join(", ", runs.stream().map(RunData::name).toList())));
            if (!Files.isRegularFile(r.dir().resolve(RunDirectory.WEIGHTS))) {
                throw new FashionException("--run " + run + ": " + r.dir().resolve(RunDirectory.WEIGHTS) + " not found (the run has not finished)");
            }
            return r;
        }
        List<RunData> withWeights = runs.stream().filter(r -> Files.isRegularFile(r.dir().resolve(RunDirectory.WEIGHTS))).toList();
        return RunsReport.best(withWeights);
    }

    /** The chosen run's model on its test set, through the same predictor as predict and view. */
    private Analysis analyse(RunData chosen) {
        RunConfig cfg = ConfigLoader.load(chosen.dir().resolve(RunDirectory.CONFIG));
        if (data != null) cfg.getData().setDir(data.toString());
        try (RuntimeOptions.Runtime rt = runtime.open()) {
            Model model = ModelFactory.build(cfg);
            ModelWeights.load(model, chosen.dir().resolve(RunDirectory.WEIGHTS));
            ImageDataset test = DataOptions.loadTest(cfg);
            Predictor predictor = new Predictor(model, Normalization.of(cfg.getData()), rt.kernels());
            float[] probs = predictor.probabilities(test);
            int classes = predictor.classes();
            int n = test.count();
            int[] predicted = new int[n];
            int[] truth = new int[n];
            List<Integer> wrong = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                predicted[i] = Predictor.ranking(probs, i, classes)[0];
                truth[i] = test.label(i);
                if (predicted[i] != truth[i]) wrong.add(i);
            }
            wrong.sort(Comparator.comparingDouble((Integer i) -> -probs[i * classes + predicted[i]]).thenComparingInt(i -> i));
            List<Analysis.Wrong> shown = new ArrayList<>();
            boolean square = test.rows() == test.cols();
            for (int i : wrong.subList(0, square ? Math.min(gallery, wrong.size()) : 0)) {
                float[] p = new float[classes];
                System.arraycopy(probs, i * classes, p, 0, classes);
                shown.add(new Analysis.Wrong(i, test.image(i), test.rows(), p, predicted[i], truth[i]));
            }
            ClassificationReport report = ClassificationReport.of(predicted, truth, ModelOptions.classNames(classes));
            return new Analysis(chosen.name(), test.name(), report, shown, wrong.size());
        }
    }
}
