package dev.fashion.cli;

import dev.fashion.FashionException;
import dev.fashion.data.Checksums;
import dev.fashion.data.FashionMnist;
import dev.fashion.kernels.CpuInfo;
import dev.fashion.kernels.KernelProvider;
import dev.fashion.parallel.Scheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the JDK, the kernels chosen and why, threads, and the dataset with its checksum status.")
final class InfoCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory to check (default: the bundled one).")
    Path data;

    @Option(names = "--kernels", paramLabel = "K", defaultValue = "${sys:fashion.kernels:-auto}", description = "auto, vector or scalar.")
    String kernels;

    @Override
    public Integer call() {
        System.out.printf("JDK:      %s (%s, %s)%n", Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("java.vendor"));
        System.out.printf("OS:       %s %s, %d cores, %,d MB max heap%n", System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("CPU:      %s; vector flags: %s%n", CpuInfo.current().describe(), vectorFlags());
        KernelProvider.Choice choice = KernelProvider.choose(kernels);
        System.out.printf("kernels:  %s%n          why: %s%n", choice.kernels().describe(), choice.reason());
        if (!choice.kernels().tuning().isEmpty()) System.out.printf("          width and tile: %s%n", choice.kernels().tuning());
        System.out.printf("threads:  %d by default (--threads N)%n", Scheduler.defaultThreads());
        try {
            Path dir = data != null ? data : FashionMnist.defaultDataDir();
            System.out.printf("data:     %s%n", dir.toAbsolutePath().normalize());
            for (Checksums.Result r : FashionMnist.checksums(dir)) System.out.println("          " + r.describe());
        } catch (FashionException e) {
            System.out.println("data:     " + e.getMessage());
        }
        return 0;
    }

    private static String vectorFlags() {
        List<String> f = CpuInfo.current().flags().stream()
                .filter(x -> x.equals("fma") || x.startsWith("avx") || x.equals("asimd") || x.startsWith("sve")).sorted().toList();
        return f.isEmpty() ? "none found" : String.join(" ", f);
    }
}
