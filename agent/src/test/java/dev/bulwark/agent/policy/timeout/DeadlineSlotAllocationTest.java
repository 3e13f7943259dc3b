package dev.bulwark.agent.policy.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.agent.policy.NanoClock;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A timed call must not allocate: it runs on every protected invocation. */
class DeadlineSlotAllocationTest {
    private static final int CALLS = 100_000;
    private static final long FAR = TimeUnit.HOURS.toNanos(1);

    private final Watchdog watchdog = new Watchdog(NanoClock.SYSTEM);

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdown();
    }

    @Test
    void enterAndExitAllocateNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        long threadId = Thread.currentThread().getId();

        runNestedCalls(slot);
        long before = threads.getThreadAllocatedBytes(threadId);
        runNestedCalls(slot);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertThat((double) allocated / CALLS).as("bytes per call").isLessThan(1.0);
    }

    /** Two levels, so that both arming paths and the re-arm of the enclosing deadline are measured. */
    private static void runNestedCalls(DeadlineSlot slot) {
        for (int i = 0; i < CALLS; i++) {
            long now = System.nanoTime();
            slot.enter(now, FAR, true);
            slot.enter(now, FAR / 2, true);
            slot.exit();
            slot.exit();
        }
    }
}
