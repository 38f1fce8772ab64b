package dev.fashion.parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The processor's name, recorded beside every timing: a figure without its CPU cannot be compared. */
public final class CpuModel {
    private static final String NAME = read();

    private CpuModel() {
    }

    /** "AMD EPYC (2 cores)" from /proc/cpuinfo's model name on Linux; the architecture elsewhere. */
    public static String name() {
        return NAME;
    }

    private static String read() {
        String model = null;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                    model = line.substring(colon + 1).trim().replaceAll("\\s+", " ");
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no access: fall back to what the JVM knows.
        }
        if (model == null || model.isEmpty()) model = System.getProperty("os.arch");
        int cores = Runtime.getRuntime().availableProcessors();
        return model + " (" + cores + (cores == 1 ? " core)" : " cores)");
    }
}
