package dev.fashion.cli;

import com.fasterxml.jackson.databind.node.LongNode;
import dev.fashion.FashionException;
import dev.fashion.config.ConfigLoader;
import dev.fashion.config.RunConfig;
import dev.fashion.io.AtomicFiles;
import dev.fashion.sweep.Setting;
import dev.fashion.sweep.SweepGrid;
import dev.fashion.sweep.SweepResults;
import dev.fashion.train.Checkpoint;
import dev.fashion.train.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train (or, with --bench, benchmark) every combination of config values,",
                "one run directory each; write sweep.jsonl, a leaderboard and report.html.",
                "The same command again skips finished runs and resumes an interrupted one",
                "from its checkpoint: Ctrl-C or kill -9 lose nothing but time.",
                "Example: fashion sweep --set optimizer.lr=0.001,0.003 --set training.batch_size=64,256"})
final class SweepCommand implements Callable<Integer> {
    static final String REPORT = "report.html";

    @Option(names = "--config", paramLabel = "FILE", description = "The base config (default: the bundled configs/mlp.yaml).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=V1,V2",
            description = {"A config field and the values to try, e.g. optimizer.lr=0.001,0.003, model.layers[1].out=128,256,",
                    "optimizer.betas=[0.9,0.999],[0.8,0.99]. Repeat for more axes. threads=1,2 and kernels=vector,scalar",
                    "set how runs execute rather than the config."})
    List<String> sets;

    @Option(names = "--seeds", paramLabel = "SEED", split = ",", description = "Seeds to repeat every combination with (training.seed).")
    List<Long> seeds;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The sweep directory (default: sweeps/<config name>-<hash of the sweep>, the same for the same command).")
    Path out;

    @Option(names = "--bench", description = "Run bench on every combination instead of training (batch size, threads, kernels).")
    boolean bench;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "With --bench: timed steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Warm-up steps passed to train (only the first run in this JVM needs one) or bench (default: theirs).")
    Integer warmup;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Passed to train: also checkpoint every N steps.")
    Integer checkpointEvery;

    @Mixin
    DataOptions data;

    @Mixin
    RuntimeOptions runtime;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RunConfig base = ConfigLoader.load(config);
        data.applyTo(base);
        List<Setting> settings = new ArrayList<>();
        if ((sets == null || sets.isEmpty()) && (seeds == null || seeds.isEmpty())) {
            throw new FashionException("sweep: give at least one --set KEY=V1,V2 or --seeds S1,S2");
        }
        if (sets != null) for (String s : sets) settings.add(Setting.parse(s));
        if (seeds != null && !seeds.isEmpty()) {
            if (settings.stream().anyMatch(s -> s.key().equals("training.seed"))) {
                throw new FashionException("--seeds: training.seed is also in a --set; give the seeds once");
            }
            settings.add(new Setting("training.seed", seeds.stream().map(v -> (com.fasterxml.jackson.databind.JsonNode) LongNode.valueOf(v)).toList()));
        }
        if (runtime.threads != null && runtime.threads < 1) throw new FashionException("--threads: expected 1 or more, got " + runtime.threads);
        if (checkpointEvery != null && checkpointEvery < 1) throw new FashionException("--checkpoint-every: expected a positive number of steps, got " + checkpointEvery);
        if (steps < 1) throw new FashionException("--steps: expected a positive number, got " + steps);
        if (warmup != null && warmup < 0) throw new FashionException("--warmup: expected 0 or more steps, got " + warmup);
        List<SweepGrid.Point> points = SweepGrid.expand(base, settings);
        Path dir = out != null ? out : Path.of("sweeps", defaultName(base, settings));
        prepare(dir, points);

        PrintStream console = System.out;
        console.printf("fashion sweep: %d run%s of %s in %s%n", points.size(), points.size() == 1 ? "" : "s",
                bench ? "bench" : "train", dir);
        // On Ctrl-C or SIGTERM train's own hook saves the checkpoint and the JVM then halts, with no chance
        // for the loop below to say how to go on: this hook says it as the signal arrives.
        Thread hint = new Thread(() -> System.err.println("sweep: stopping; run the same command again to continue from here"),
                "fashion-sweep-hint");
        Runtime.getRuntime().addShutdownHook(hint);
        try {
            return runAll(dir, points, console);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hint);
            } catch (IllegalStateException shuttingDown) {
                // The hook has run or is running.
            }
        }
    }

    private int runAll(Path dir, List<SweepGrid.Point> points, PrintStream console) {
        List<SweepResults.Entry> finished = new ArrayList<>();
        boolean warmedUp = false;
        for (int i = 0; i < points.size(); i++) {
            SweepGrid.Point p = points.get(i);
            SweepResults.Entry done = SweepResults.read(dir, p, bench);
            String head = String.format("[%d/%d] %s", i + 1, points.size(), p.name());
            if (done != null) {
                console.println(head + ": " + done.status() + " earlier, skipped");
                finished.add(done);
                continue;
            }
            Path run = dir.resolve(p.name());
            boolean resume = !bench && Files.isRegularFile(run.resolve(Checkpoint.FILE));
            console.println(head + (resume ? ": resuming from its checkpoint" : ""));
            console.flush();
            int code = execute(commandFor(p, run, resume, warmedUp));
            warmedUp = true;
            if (code == FashionException.NUMERICAL_FAULT && !bench) {
                SweepResults.writeDiverged(run, code);
            } else if (code == 130) {
                return code; // interrupted: the shutdown hook has said how to go on
            } else if (code != 0) {
                throw new FashionException(head + ": " + (bench ? "bench" : "train") + " failed with exit code " + code
                        + "; the sweep stops here (run the same command again to retry)", code, null);
            }
            SweepResults.Entry entry = SweepResults.read(dir, p, bench);
            if (entry == null) throw new IllegalStateException(run + ": finished without its results");
            finished.add(entry);
            SweepResults.writeJsonl(dir, finished, bench);
        }
        SweepResults.writeJsonl(dir, finished, bench);
        console.println();
        console.print(bench ? SweepResults.benchTable(finished) : SweepResults.leaderboard(finished));
        console.printf("%nwrote %s%n", dir.resolve(SweepResults.FILE));
        writeReport(dir);
        return 0;
    }

    /** The sweep's page (report runs); the results are safe by now, so a failure here is a warning. */
    private void writeReport(Path dir) {
        List<String> args = new ArrayList<>(List.of("report", "runs", dir.toString(), "--out", dir.resolve(REPORT).toString(),
                "--kernels", runtime.kernels));
        if (runtime.threads != null) args.addAll(List.of("--threads", runtime.threads.toString()));
        if (execute(args) != 0) {
            spec.commandLine().getErr().println("warning: " + dir.resolve(REPORT) + " not written; try: fashion report runs " + dir);
        }
    }

    /**
     * Creates the sweep directory and, for each combination, writes its config.yaml before anything runs;
     * a run directory left by a different config (another sweep in the same place) is refused.
     */
    private void prepare(Path dir, List<SweepGrid.Point> points) {
        try {
            Files.createDirectories(dir);
            for (SweepGrid.Point p : points) {
                Path run = dir.resolve(p.name());
                Path cfgFile = run.resolve(RunDirectory.CONFIG);
                String yaml = ConfigLoader.toYaml(p.config());
                if (Files.isRegularFile(cfgFile)) {
                    String was = ConfigLoader.toJson(ConfigLoader.load(cfgFile));
                    if (!was.equals(ConfigLoader.toJson(p.config()))) {
                        throw new FashionException(cfgFile + ": this run directory holds a different config than the sweep's "
                                + p.name() + "; use another --out or remove it");
                    }
                    continue;
                }
                Files.createDirectories(run);
                AtomicFiles.writeString(cfgFile, yaml);
            }
        } catch (IOException e) {
            throw new FashionException(dir + ": cannot create the sweep directory: " + e.getMessage(), e);
        }
    }

    private List<String> commandFor(SweepGrid.Point p, Path run, boolean resume, boolean warmedUp) {
        List<String> args = new ArrayList<>();
        Path cfgFile = run.resolve(RunDirectory.CONFIG);
        if (bench) {
            args.addAll(List.of("bench", "--config", cfgFile.toString(), "--json", run.resolve(SweepResults.BENCH).toString(),
                    "--steps", Integer.toString(steps)));
            if (warmup != null) args.addAll(List.of("--warmup", warmup.toString()));
        } else {
            args.add("train");
            if (resume) args.addAll(List.of("--resume", run.toString(), "--config", cfgFile.toString()));
            else args.addAll(List.of("--config", cfgFile.toString(), "--out", run.toString()));
            args.add("--quiet");
            // The JIT is warm after the first run in this JVM; results do not depend on the warm-up.
            int w = warmedUp ? 0 : warmup == null ? 200 : warmup;
            args.addAll(List.of("--warmup", Integer.toString(w)));
            if (checkpointEvery != null) args.addAll(List.of("--checkpoint-every", checkpointEvery.toString()));
        }
        Integer threads = p.threads() != null ? p.threads() : runtime.threads;
        if (threads != null) args.addAll(List.of("--threads", threads.toString()));
        args.addAll(List.of("--kernels", p.kernels() != null ? p.kernels() : runtime.kernels));
        return args;
    }

    private int execute(List<String> args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(spec.commandLine().getErr());
        cl.setOut(spec.commandLine().getOut());
        return cl.execute(args.toArray(String[]::new));
    }

    /** "mlp-3fa2c1d0": the config's name and a hash of the resolved base config and the settings. */
    private String defaultName(RunConfig base, List<Setting> settings) {
        StringBuilder spec = new StringBuilder(ConfigLoader.toJson(base)).append(bench ? "bench" : "train");
        for (Setting s : settings) spec.append('\n').append(s.key()).append('=').append(s.values());
        String stem = config == null ? "mlp" : config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(spec.toString().getBytes(StandardCharsets.UTF_8));
            return stem + (bench ? "-bench-" : "-") + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
