package dev.fashion.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the CPU is, from {@code /proc/cpuinfo} (the first processor's block): vendor, family, model, name and
 * the vector feature flags, so the vector kernels can pick a width and register tile for the machine at hand
 * (see {@link VectorPlan}). Elsewhere than Linux, or if the file says nothing useful, everything is unknown
 * and the JVM's preferred vector width is taken as it is.
 */
public record CpuInfo(String vendor, int family, int model, String modelName, Set<String> flags) {

    public static final CpuInfo UNKNOWN = new CpuInfo("unknown", -1, -1, "unknown CPU", Set.of());

    /** The machine's CPU, read once. */
    public static CpuInfo current() {
        return Holder.CURRENT;
    }

    private static final class Holder {
        static final CpuInfo CURRENT = read(Path.of("/proc/cpuinfo"));
    }

    /** Parses a {@code /proc/cpuinfo} file; {@link #UNKNOWN} when it is missing or unreadable. */
    public static CpuInfo read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** Parses the text of {@code /proc/cpuinfo}: the first processor's block is enough (all cores are alike here). */
    public static CpuInfo parse(String text) {
        String vendor = "unknown", name = "unknown CPU";
        int family = -1, model = -1;
        Set<String> flags = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                if (!flags.isEmpty() || family >= 0) break; // end of the first processor's block
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = parseInt(value);
                case "model" -> model = parseInt(value);
                case "model name" -> name = value;
                case "flags" -> flags.addAll(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s+")));
                default -> {
                }
            }
        }
        return new CpuInfo(vendor, family, model, name, Set.copyOf(flags));
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public boolean isAmd() {
        return vendor.equals("AuthenticAMD");
    }

    public boolean isIntel() {
        return vendor.equals("GenuineIntel");
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    /** "AMD EPYC (AuthenticAMD family 26 model 2)": the name alone is often just the brand. */
    public String describe() {
        return this == UNKNOWN || family < 0 ? modelName
                : String.format("%s (%s family %d model %d)", modelName, vendor, family, model);
    }
}
