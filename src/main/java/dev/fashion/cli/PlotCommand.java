package dev.fashion.cli;

import dev.fashion.report.TrainingCurves;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw training curves (loss, accuracy, images/s per epoch) from run directories' metrics.jsonl;",
                "several runs are overlaid, each labelled with its directory name, batch size and threads."})
final class PlotCommand implements Callable<Integer> {
    static final String CURVES = "curves.png";

    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run directories written by train.")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "FILE.png",
            description = "Where to write (default: RUN_DIR/" + CURVES + " for one run, ./" + CURVES + " for several).")
    Path out;

    @Override
    public Integer call() {
        List<TrainingCurves.Run> loaded = runs.stream().map(TrainingCurves.Run::load).toList();
        Path file = out != null ? out : runs.size() == 1 ? runs.get(0).resolve(CURVES) : Path.of(CURVES);
        TrainingCurves.write(file, loaded);
        System.out.printf("wrote %s (%d run%s)%n", file, loaded.size(), loaded.size() == 1 ? "" : "s");
        return 0;
    }
}
