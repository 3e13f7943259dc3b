package dev.bulwark.agent.policy.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.policy.MillisecondClock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watchdog never fires a deadline counted from a reading the millisecond clock kept too long. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoughDeadlineWatchdogTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final ManualClock exact = new ManualClock();
    private final MillisecondClock rough = MillisecondClock.driven(exact);
    private final DeadlineClock deadlines = new DeadlineClock(rough);
    private final Watchdog watchdog = new Watchdog(exact, deadlines);

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdown();
    }

    @Test
    void aDeadlineFromAStalledReadingFiresAtTheEndOfTheStallPlusTheTimeoutNotBefore() throws InterruptedException {
        deadlines.countsRoughly(SECOND);
        exact.advanceTo(100 * MS);
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        long deadline = slot.enterUntil(deadlines.roughDeadline(SECOND), true);
        // the ticker replaced the call's reading only 300 ms later: the call may have started then
        exact.advanceTo(400 * MS);
        rough.tick();
        long reallyDue = 400 * MS + SECOND + 1;

        exact.advanceTo(reallyDue - MS);
        assertThat(deadline).isLessThan(reallyDue - MS);
        awaitAPassThatFiresAnotherDeadlineDueNow();
        assertThat(Thread.currentThread().isInterrupted()).as("fired at the deadline the rough reading gave").isFalse();

        exact.advanceTo(reallyDue);
        Waiting.untilInterrupted();
        assertThat(slot.exit()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /**
     * A second owner's exact deadline, due at the clock's current time, is fired in a pass that also judged
     * every slot armed before it; once the watchdog parks again, that pass is over.
     */
    private void awaitAPassThatFiresAnotherDeadlineDueNow() throws InterruptedException {
        AtomicBoolean fired = new AtomicBoolean();
        CountDownLatch neverOpened = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
            // exact deadlines round up to even: one from a nanosecond ago is due now
            slot.enterUntil(DeadlineClock.exactDeadline(exact.nanoTime() - 1, 0), true);
            try {
                neverOpened.await();
            } catch (InterruptedException expected) {
                fired.set(slot.exit());
            }
        });
        other.start();
        other.join();
        assertThat(fired).isTrue();
        Waiting.untilState(watchdog.thread(), Thread.State.TIMED_WAITING);
    }
}
