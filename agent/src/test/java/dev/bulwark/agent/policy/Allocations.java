package dev.bulwark.agent.policy;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;

/** Heap bytes the current thread allocates while running a piece of code. */
public final class Allocations {
    private Allocations() {
    }

    public static long bytesAllocatedBy(Runnable code) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        code.run();
        return threads.getThreadAllocatedBytes(thread) - before;
    }
}
