package dev.fashion.train;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The run's clock starts with the JVM's process, not with whatever that process ran before it. */
class TimelineTest {

    /** Prints the seconds the timeline says the process has run, as its first act. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println(Timeline.seconds());
        }
    }

    @Test
    void aShellThatExecsJavaAfterOtherWorkDoesNotCountThatWork() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && Files.isReadable(Path.of("/proc/self/stat")),
                "needs a POSIX shell and Linux's /proc");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The shell sleeps, then becomes the JVM (exec keeps the process, and its start time).
        String script = "sleep 4; exec \"$0\" -cp \"$1\" \"$2\"";
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", script, java, System.getProperty("java.class.path"),
                Probe.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "probe did not finish");
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.exitValue(), out);
        double seconds = Double.parseDouble(out.lines().reduce((a, b) -> b).orElseThrow());
        // Counted from the process's start this would be at least the 4 s the shell slept.
        assertTrue(seconds >= 0 && seconds < 4, "the timeline at main: " + seconds + " s");
    }

    @Test
    void aLaterRunInTheSameJvmCountsFromItsOwnStartAsInASweep() {
        Timeline.startRun();
        Timeline.mark("setup");
        Timeline.add("test_passes", 1.5);
        Timeline.startRun();
        double run = Timeline.seconds();
        double process = Timeline.processSeconds();
        // The second run started after this JVM did (and after its first run), so its clock is behind the process's.
        assertTrue(run >= 0 && run < process, "run " + run + " s, process " + process + " s");
        assertFalse(Timeline.marks().containsKey("setup"), "the earlier run's marks are gone: " + Timeline.marks());
        assertFalse(Timeline.marks().containsKey("main"), "main belongs to the first run: " + Timeline.marks());
        assertTrue(Timeline.totals().isEmpty(), "the earlier run's totals are gone: " + Timeline.totals());
        Timeline.mark("setup");
        // Marks are whole milliseconds rounded down, so never later than a clock read after them.
        assertTrue(Timeline.marks().get("setup") <= Timeline.seconds(), "setup at " + Timeline.marks());
        Double cpu = Timeline.cpuMarks().get("setup");
        assertTrue(cpu == null || cpu < Timeline.cpuSeconds(), "CPU counts from the run's start: " + cpu);
    }
}
