package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.report.JmhCompare;
import dev.fashion.report.JmhReport;
import dev.fashion.report.JmhResult;
import dev.fashion.report.JmhResults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Turn benchmark results into Markdown tables and PNG charts, or runs into an HTML page (report runs).",
        subcommands = {ReportCommand.Jmh.class, ReportCommand.Compare.class, ReportRunsCommand.class})
final class ReportCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "jmh", mixinStandardHelpOptions = true,
            description = "Report JMH results (-rf json): vector over scalar with errors, peers ranking, charts.")
    static final class Jmh implements Callable<Integer> {
        @Parameters(paramLabel = "RESULTS.json", arity = "1..*", description = "JMH JSON result files (merged).")
        List<Path> files;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: RESULTS-report next to the first file).")
        Path out;

        @Override
        public Integer call() {
            List<JmhResult> results = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Path f : files) {
                results.addAll(JmhResults.read(f));
                names.add(f.getFileName().toString());
            }
            Path dir = outDir(out, files.get(0));
            print(JmhReport.write(results, names, dir));
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare two JMH result files: the ratio B / A for every benchmark in both.")
    static final class Compare implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A.json", description = "Baseline JMH results.")
        Path a;

        @Parameters(index = "1", paramLabel = "B.json", description = "JMH results to compare with the baseline.")
        Path b;

        @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: B-vs-A next to B).")
        Path out;

        @Override
        public Integer call() {
            List<JmhResult> ra = JmhResults.read(a);
            List<JmhResult> rb = JmhResults.read(b);
            Path dir = out != null ? out : sibling(b, stem(b) + "-vs-" + stem(a));
            print(JmhCompare.write(ra, a.getFileName().toString(), rb, b.getFileName().toString(), prepare(dir)));
            return 0;
        }
    }

    static Path outDir(Path out, Path first) {
        return prepare(out != null ? out : sibling(first, stem(first) + "-report"));
    }

    private static Path sibling(Path file, String name) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(name) : parent.resolve(name);
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    private static Path prepare(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FashionException("--out " + dir + ": cannot create the directory: " + e.getMessage(), e);
        }
    }

    private static void print(List<Path> written) {
        for (Path p : written) System.out.println("wrote " + p);
    }
}
