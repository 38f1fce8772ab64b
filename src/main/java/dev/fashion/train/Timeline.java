package dev.fashion.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seconds since this process started, and named marks on that clock, so a run can say where its wall time
 * went (the "Time to result" breakdown in the README) and what a user waited for start to finish.
 *
 * <p>The origin is the process's own start where Linux tells it ({@code /proc/self/stat} against {@code
 * /proc/uptime}, both on the boot clock, 10 ms resolution), which counts the launcher and JVM creation too;
 * elsewhere, or when the process ran something else before it became this JVM, the JVM's start ({@code
 * RuntimeMXBean.getUptime}). Not {@code ProcessHandle.info().startInstant()}:
 * on Linux it adds the boot time rounded to whole seconds, so against the wall clock it is up to a second off.
 *
 * <p>A JVM that runs several trainings one after the other ({@code sweep}) restarts the clock at each run
 * after the first ({@link #startRun}), so every run's {@code wall_seconds} and marks are its own; the first
 * run keeps the process's start, since the JVM started for it.
 */
public final class Timeline {
    private static final long ORIGIN_NANOS = System.nanoTime() - (long) (startupSeconds() * 1e9);
    /** Where {@link #seconds} and the CPU marks count from: the process's start, then each later run's. */
    private static volatile long runOriginNanos = ORIGIN_NANOS;
    private static volatile double runOriginCpu = 0;
    private static boolean runStarted;
    private static final Map<String, Double> MARKS = new LinkedHashMap<>();
    private static final Map<String, Double> CPU = new LinkedHashMap<>();
    private static final Map<String, Double> TOTALS = new LinkedHashMap<>();
    /** The unit of /proc's clock-tick fields: 100 on every Linux architecture the JDK runs on. */
    private static final double USER_HZ = 100;

    private Timeline() {
    }

    /** Seconds since the current run started: the process's start for the first run in this JVM. */
    public static double seconds() {
        return (System.nanoTime() - runOriginNanos) / 1e9;
    }

    /** Seconds since the process started, whatever runs came before. */
    public static double processSeconds() {
        return (System.nanoTime() - ORIGIN_NANOS) / 1e9;
    }

    /** Records (or moves) mark {@code name} to now and returns its time; thread-safe. */
    public static double mark(String name) {
        double s = seconds();
        double cpu = cpuSeconds();
        if (cpu >= 0) cpu = Math.max(0, cpu - runOriginCpu);
        synchronized (MARKS) {
            MARKS.remove(name);
            MARKS.put(name, truncate(s));
            CPU.remove(name);
            if (cpu >= 0) CPU.put(name, truncate(cpu));
        }
        return s;
    }

    /**
     * Starts a run's clock. The first run in this JVM counts from the process's start (its "main" mark kept);
     * a later one ({@code sweep}, tests) from now, forgetting the earlier run's marks and totals and counting
     * CPU seconds from here.
     */
    public static void startRun() {
        synchronized (MARKS) {
            if (runStarted) {
                long now = System.nanoTime();
                double cpu = cpuSeconds();
                runOriginNanos = now;
                runOriginCpu = Math.max(0, cpu);
                MARKS.clear();
                CPU.clear();
            } else {
                MARKS.keySet().removeIf(k -> !k.equals("main"));
                CPU.keySet().removeIf(k -> !k.equals("main"));
            }
            runStarted = true;
            TOTALS.clear();
        }
    }

    /**
     * The CPU seconds all of this process's threads (JIT compilers included) had used at each mark: on a
     * shared machine the wall clock depends on the neighbours, this much less.
     */
    public static Map<String, Double> cpuMarks() {
        synchronized (MARKS) {
            return new LinkedHashMap<>(CPU);
        }
    }

    /** CPU seconds used by this process so far, or -1 where the JVM does not say. */
    public static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long ns = os.getProcessCpuTime();
            return ns < 0 ? -1 : ns / 1e9;
        }
        return -1;
    }

    /** Adds {@code seconds} to the running total {@code name} (e.g. all test passes); thread-safe. */
    public static void add(String name, double seconds) {
        synchronized (MARKS) {
            TOTALS.merge(name, seconds, Double::sum);
        }
    }

    /** The running totals, rounded to milliseconds. */
    public static Map<String, Double> totals() {
        synchronized (MARKS) {
            Map<String, Double> out = new LinkedHashMap<>();
            TOTALS.forEach((k, v) -> out.put(k, round(v)));
            return out;
        }
    }

    /** The marks so far, in the order they were last set, as seconds since the process started. */
    public static Map<String, Double> marks() {
        synchronized (MARKS) {
            return new LinkedHashMap<>(MARKS);
        }
    }

    /**
     * A mark in whole milliseconds, rounded down: a mark never reads later than a clock read after it (the
     * run's wall_seconds), as rounding to nearest could by half a millisecond.
     */
    private static double truncate(double s) {
        return Math.floor(s * 1000) / 1000.0;
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    /** How long this process had run when this class loaded. */
    private static double startupSeconds() {
        try {
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]);
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name (in parentheses, which may hold spaces): starttime is field 22.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            double start = Long.parseLong(f[19]) / USER_HZ;
            double jvm = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
            // A process that ran something else before it became this JVM (a shell exec-ing its last command:
            // `sh -c './mvnw package && java ...'` counted the build as the run's) started long before the
            // JVM did; launching the JVM itself takes a small fraction of EXEC_GAP_SECONDS.
            if (uptime >= start && uptime - start < 86_400 && uptime - start - jvm < EXEC_GAP_SECONDS) {
                return uptime - start;
            }
            return jvm;
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: the JVM's own clock below
        }
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    }

    /** More than this between the process's start and the JVM's means the process was something else first. */
    static final double EXEC_GAP_SECONDS = 2.0;
}
