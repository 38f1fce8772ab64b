package dev.fashion.parallel;

import dev.fashion.FashionException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest {

    @Test
    void partitionsCoverTheRangeOnAlignedBoundaries() {
        for (int total : new int[]{1, 10, 31, 32, 33, 256, 785}) {
            for (int parts = 1; parts <= 5; parts++) {
                int n = Partition.parts(total, 32, parts);
                assertTrue(n >= 1 && n <= parts);
                int expectedStart = 0;
                for (int p = 0; p < n; p++) {
                    int s = Partition.start(total, n, p, 32);
                    int e = Partition.end(total, n, p, 32);
                    assertEquals(expectedStart, s);
                    assertTrue(e > s, "non-empty part " + p + " of " + n + " for " + total);
                    if (e < total) assertEquals(0, e % 32, "aligned boundary");
                    expectedStart = e;
                }
                assertEquals(total, expectedStart);
            }
        }
    }

    @Test
    void runsEveryPartExactlyOnceAndCanBeReused() {
        try (Scheduler s = new Scheduler(2)) {
            for (int round = 0; round < 200; round++) {
                int n = 1 + round % 16;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                s.forEach(n, hits::incrementAndGet);
                for (int p = 0; p < n; p++) assertEquals(1, hits.get(p), "part " + p + " round " + round);
            }
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (Scheduler s = new Scheduler(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(4);
            s.forEach(2, outer -> s.forEach(2, inner -> hits.incrementAndGet(outer * 2 + inner)));
            for (int i = 0; i < 4; i++) assertEquals(1, hits.get(i));
        }
    }

    @Test
    void exceptionsInPartsReachTheCaller() {
        try (Scheduler s = new Scheduler(2)) {
            assertThrows(IllegalStateException.class, () -> s.forEach(4, p -> {
                if (p == 3) throw new IllegalStateException("boom");
            }));
            AtomicIntegerArray hits = new AtomicIntegerArray(3);
            s.forEach(3, hits::incrementAndGet); // still usable
            assertEquals(1, hits.get(2));
        }
    }

    @Test
    void aCallAllocatesNothingOnTheCallingThread() {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        var hs = (com.sun.management.ThreadMXBean) bean;
        int[] sink = new int[4];
        Scheduler.PartTask task = p -> sink[p]++;
        try (Scheduler s = new Scheduler(2)) {
            for (int i = 0; i < 1000; i++) s.forEach(4, task);
            long before = hs.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) s.forEach(4, task);
            assertEquals(0, hs.getCurrentThreadAllocatedBytes() - before);
        }
        for (int count : sink) assertEquals(2000, count);
    }

    @Test
    void rejectsNonPositiveThreadCounts() {
        assertTrue(assertThrows(FashionException.class, () -> new Scheduler(0)).getMessage().contains("--threads"));
    }
}
