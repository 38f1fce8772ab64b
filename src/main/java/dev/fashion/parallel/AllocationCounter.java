package dev.fashion.parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Bytes allocated so far by all live threads (the caller and the scheduler's workers), where the JVM
 * can tell (HotSpot can); -1 otherwise.
 */
public final class AllocationCounter {
    private AllocationCounter() {
    }

    public static long allocatedBytes() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean hs) || !hs.isThreadAllocatedMemorySupported()) return -1;
        long sum = 0;
        for (long bytes : hs.getThreadAllocatedBytes(bean.getAllThreadIds())) {
            if (bytes > 0) sum += bytes;
        }
        return sum;
    }

    /** Bytes allocated so far by the calling thread; -1 where the JVM cannot tell. */
    public static long allocatedByThisThread() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean hs) || !hs.isThreadAllocatedMemorySupported()) return -1;
        return hs.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
