package dev.fashion.cli;

import dev.fashion.config.RunConfig;
import dev.fashion.data.Checksums;
import dev.fashion.data.FashionMnist;
import dev.fashion.data.ImageDataset;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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

    /**
     * Loads both splits as the config says, the test split on a thread of its own: each is one gzip stream
     * (inflated on one core) and train is 6x bigger, so the test split comes for free beside it.
     */
    Loaded load(RunConfig cfg) {
        Path d = resolveDir(cfg);
        FutureTask<ImageDataset> test = new FutureTask<>(() -> loadTest(cfg));
        Thread t = new Thread(test, "fashion-load-test");
        t.setDaemon(true);
        t.start();
        ImageDataset train = limit(loadSplit(cfg, FashionMnist.Split.TRAIN), cfg.getData().getTrainLimit());
        return new Loaded(d, train, await(test), FashionMnist.checksums(d));
    }

    /** The test split's result, or its exception as thrown on this thread (a FashionException stays one). */
    private static ImageDataset await(FutureTask<ImageDataset> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the test split", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
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
