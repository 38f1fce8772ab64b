package dev.fashion.cli;

import dev.fashion.config.RunConfig;
import dev.fashion.data.Checksums;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Where the data comes from: --data, else the config's data.dir, else the bundled Fashion-MNIST. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the four IDX files (.gz or raw); overrides data.dir.")
    Path dir;

    @Option(names = "--train-limit", paramLabel = "N", description = "Use only the first N training images (quick experiments).")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Use only the first N test images.")
    Integer testLimit;

    void applyTo(RunConfig cfg) {
        if (dir != null) cfg.getData().setDir(dir.toString());
        if (trainLimit != null) Overrides.set("--train-limit", () -> cfg.getData().setTrainLimit(trainLimit));
        if (testLimit != null) Overrides.set("--test-limit", () -> cfg.getData().setTestLimit(testLimit));
    }

    record Loaded(Path dir, ImageDataset train, ImageDataset test, List<Checksums.Result> checksums) {
        String describe() {
            long verified = checksums.stream().filter(r -> r.status() == Checksums.Status.VERIFIED).count();
            String sums = verified == 4 ? "checksums verified"
                    : checksums.stream().map(Checksums.Result::describe).collect(Collectors.joining("; "));
            return String.format("%s: %,d train, %,d test images %dx%d (%s)", dir, train.count(), test.count(),
                    train.rows(), train.cols(), sums);
        }
    }

    static Path resolveDir(RunConfig cfg) {
        String d = cfg.getData().getDir();
        return d == null ? FashionMnist.defaultDataDir() : Path.of(d);
    }

    /** Loads both splits as the config says. */
    Loaded load(RunConfig cfg) {
        Path d = resolveDir(cfg);
        ImageDataset train = limit(loadSplit(cfg, FashionMnist.Split.TRAIN), cfg.getData().getTrainLimit());
        ImageDataset test = loadTest(cfg);
        return new Loaded(d, train, test, FashionMnist.checksums(d));
    }

    static ImageDataset loadTest(RunConfig cfg) {
        return limit(loadSplit(cfg, FashionMnist.Split.TEST), cfg.getData().getTestLimit());
    }

    /** The bundled dataset must match its published checksums; a user's directory may hold another IDX set. */
    static ImageDataset loadSplit(RunConfig cfg, FashionMnist.Split split) {
        boolean bundled = cfg.getData().getDir() == null;
        return FashionMnist.load(resolveDir(cfg), split, bundled);
    }

    static ImageDataset limit(ImageDataset data, int limit) {
        return limit <= 0 || limit >= data.count() ? data : data.subset(0, limit);
    }
}
