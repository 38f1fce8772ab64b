package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.train.Timeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * Entry point: {@code java --add-modules jdk.incubator.vector -jar fashion.jar <command>}. User mistakes
 * (bad flags, missing or invalid files) print one line and exit 2; a diverged training run exits 3;
 * anything else is a bug and prints its stack trace.
 */
@Command(name = "fashion", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train and use a Fashion-MNIST classifier on the CPU, in pure Java with Vector API kernels.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ViewCommand.class, PlotCommand.class,
                BenchCommand.class, SweepCommand.class, ReportCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Timeline.mark("main");
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("error: " + ex.getMessage());
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            return FashionException.USER_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof FashionException fe) {
                cmd.getErr().println("error: " + fe.getMessage());
                cmd.getErr().flush();
                return fe.exitCode();
            }
            throw ex;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"fashion " + (v == null ? "(development build)" : v),
                    "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
