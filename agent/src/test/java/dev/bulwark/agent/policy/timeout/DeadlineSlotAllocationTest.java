package dev.bulwark.agent.policy.timeout;

import dev.bulwark.agent.policy.Allocations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.policy.NanoClock;
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
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());

        runNestedCalls(slot);
        long allocated = Allocations.bytesAllocatedBy(() -> runNestedCalls(slot));

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
