package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.config.RunConfig;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import dev.fashion.data.ImagePreprocessor;
import dev.fashion.report.ImageGrid;
import dev.fashion.report.ProbabilityView;
import dev.fashion.train.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "view", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw what the model thinks: one image as the network saw it beside a bar chart of the class",
                "probabilities (--index N of a split, or a picture file), or a grid of test images (--grid N)."})
final class ViewCommand implements Callable<Integer> {
    /** Enough for a readable page: 400 images make a 20x20 grid about 3000 pixels wide. */
    static final int MAX_GRID = 400;

    enum Split { TEST, TRAIN }

    @Mixin
    ModelOptions modelOptions;

    @Parameters(arity = "0..1", paramLabel = "IMAGE", description = "A PNG, JPEG, GIF or BMP picture (instead of --index).")
    Path image;

    @Option(names = "--index", paramLabel = "N", description = "Image N of the split (with --grid: the first image).")
    Integer index;

    @Option(names = "--split", paramLabel = "S", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--grid", paramLabel = "N", description = "A grid of N images with predicted and true classes, wrong ones in red.")
    Integer grid;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The PNG to write.")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the IDX files (default: the model config's, else the bundled data).")
    Path data;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        if (image != null && (index != null || grid != null)) {
            throw new FashionException("view: give either an IMAGE file or --index/--grid, not both");
        }
        if (image == null && index == null && grid == null) {
            throw new FashionException("view: give --index N, --grid N or an IMAGE file");
        }
        if (grid != null && (grid < 1 || grid > MAX_GRID)) {
            throw new FashionException("--grid: expected 1.." + MAX_GRID + " images, got " + grid);
        }
        RunConfig cfg = modelOptions.config();
        if (data != null) cfg.getData().setDir(data.toString());
        byte[] pixels = image == null ? null : ImagePreprocessor.read(image);
        try (RuntimeOptions.Runtime rt = runtime.open()) {
            Predictor predictor = modelOptions.predictor(cfg, rt.kernels());
            List<String> names = ModelOptions.classNames(predictor.classes());
            if (image != null) {
                float[] probs = predictor.probabilities(PredictCommand.dataset(List.of(pixels), "image"));
                ProbabilityView.write(out, pixels, ImagePreprocessor.SIZE, probs, names, -1, image.getFileName().toString());
                report(probs, names, -1);
                return 0;
            }
            ImageDataset set = DataOptions.loadSplit(cfg, split == Split.TEST ? FashionMnist.Split.TEST : FashionMnist.Split.TRAIN);
            String splitName = split.name().toLowerCase(Locale.ROOT);
            int first = index == null ? 0 : index;
            int n = grid == null ? 1 : grid;
            if (first < 0 || first + n > set.count()) {
                throw new FashionException(String.format("--index: the %s split has images 0..%d; %d image%s from %d do not fit",
                        splitName, set.count() - 1, n, n == 1 ? "" : "s", first));
            }
            ImageDataset part = set.subset(first, n);
            float[] probs = predictor.probabilities(part);
            int classes = predictor.classes();
            if (grid == null) {
                ProbabilityView.write(out, part.image(0), part.rows(), probs, names, part.label(0),
                        splitName + " image #" + first);
                report(probs, names, part.label(0));
                return 0;
            }
            List<byte[]> images = new ArrayList<>();
            int[] predicted = new int[n];
            int[] truth = new int[n];
            int right = 0;
            for (int i = 0; i < n; i++) {
                images.add(part.image(i));
                predicted[i] = Predictor.ranking(probs, i, classes)[0];
                truth[i] = part.label(i);
                if (predicted[i] == truth[i]) right++;
            }
            ImageGrid.write(out, String.format("%s images %d..%d", splitName, first, first + n - 1), images, part.rows(),
                    predicted, truth, names);
            System.out.printf("wrote %s: %d of %d right%n", out, right, n);
        }
        return 0;
    }

    private void report(float[] probs, List<String> names, int trueLabel) {
        int best = Predictor.ranking(probs, 0, probs.length)[0];
        System.out.printf(Locale.ROOT, "wrote %s: predicted %s (%.1f%%)%s%n", out, names.get(best), 100 * probs[best],
                trueLabel < 0 ? "" : ", true " + names.get(trueLabel));
    }
}
