package dev.fashion.cli;

import dev.fashion.kernels.KernelProvider;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import picocli.CommandLine.Option;

/** The options every command that computes shares: which kernels and how many threads. */
final class RuntimeOptions {
    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: all ${sys:fashion.cores} cores). Results do not depend on it.")
    Integer threads;

    @Option(names = "--kernels", paramLabel = "K", defaultValue = "${sys:fashion.kernels:-auto}",
            description = "auto (vector when the Vector API is present), vector or scalar. Default: ${DEFAULT-VALUE}.")
    String kernels;

    static {
        System.setProperty("fashion.cores", Integer.toString(Scheduler.defaultThreads()));
    }

    int threadCount() {
        return threads == null ? Scheduler.defaultThreads() : threads;
    }

    /** The kernels chosen and why, and the scheduler; close the scheduler when done. */
    Runtime open() {
        KernelProvider.Choice choice = KernelProvider.choose(kernels);
        if (choice.fellBack()) System.err.println("warning: " + choice.reason());
        Scheduler scheduler = new Scheduler(threadCount());
        return new Runtime(choice, new ParallelKernels(choice.kernels(), scheduler));
    }

    record Runtime(KernelProvider.Choice choice, ParallelKernels kernels) implements AutoCloseable {
        @Override
        public void close() {
            kernels.scheduler().close();
        }
    }
}
