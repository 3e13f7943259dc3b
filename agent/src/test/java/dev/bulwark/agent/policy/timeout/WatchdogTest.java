package dev.bulwark.agent.policy.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.policy.NanoClock;
import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watchdog thread itself: its lifecycle, a real interrupt, and what it holds on to. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogTest {
    private static final long MS = 1_000_000L;

    private final Watchdog watchdog = new Watchdog(NanoClock.SYSTEM);

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdown();
    }

    @Test
    void noThreadExistsBeforeTheFirstArmedDeadline() {
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        assertThat(watchdog.thread()).isNull();

        slot.enter(System.nanoTime(), 10 * MS, false);
        slot.exit();
        assertThat(watchdog.thread()).as("a frame that does not interrupt arms nothing").isNull();

        slot.enter(System.nanoTime(), TimeUnit.HOURS.toNanos(1), true);
        Thread thread = watchdog.thread();
        slot.exit();
        assertThat(thread).isNotNull();
        assertThat(thread.getName()).isEqualTo("bulwark-watchdog");
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.isAlive()).isTrue();
    }

    @Test
    void withNothingArmedTheWatchdogWaitsWithoutATimeBound() {
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        slot.enter(System.nanoTime(), 10 * MS, true);
        slot.exit();

        Waiting.untilState(watchdog.thread(), Thread.State.WAITING);
    }

    @Test
    void interruptsABlockedCallerAndLeavesItNotInterruptedAfterExit() throws InterruptedException {
        CountDownLatch neverOpened = new CountDownLatch(1);
        AtomicBoolean interruptedWhileBlocked = new AtomicBoolean();
        AtomicLong blockedNanos = new AtomicLong();
        AtomicBoolean exitReportedTimeout = new AtomicBoolean();
        AtomicBoolean interruptedAfterExit = new AtomicBoolean(true);
        Thread caller = new Thread(() -> {
            DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
            long start = System.nanoTime();
            slot.enter(start, 50 * MS, true);
            try {
                neverOpened.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException expected) {
                interruptedWhileBlocked.set(true);
            }
            blockedNanos.set(System.nanoTime() - start);
            exitReportedTimeout.set(slot.exit());
            interruptedAfterExit.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        caller.join();

        assertThat(interruptedWhileBlocked).isTrue();
        assertThat(blockedNanos.get()).isGreaterThanOrEqualTo(50 * MS).isLessThan(TimeUnit.SECONDS.toNanos(30));
        assertThat(exitReportedTimeout).isTrue();
        assertThat(interruptedAfterExit).isFalse();
    }

    @Test
    void aSlotWithNothingArmedDoesNotKeepItsThreadAlive() throws InterruptedException {
        WeakReference<Thread> caller = startAndFinishATimedCall();
        Waiting.untilState(watchdog.thread(), Thread.State.WAITING);

        for (int attempt = 0; attempt < 50 && caller.get() != null; attempt++) {
            System.gc();
        }
        assertThat(caller.get()).isNull();
    }

    @Test
    void shutdownEndsTheThread() throws InterruptedException {
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        slot.enter(System.nanoTime(), TimeUnit.HOURS.toNanos(1), true);
        slot.exit();

        watchdog.shutdown();
        watchdog.thread().join();
    }

    private WeakReference<Thread> startAndFinishATimedCall() throws InterruptedException {
        Thread caller = new Thread(() -> {
            DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
            slot.enter(System.nanoTime(), MS, true);
            slot.exit();
        });
        caller.start();
        caller.join();
        return new WeakReference<>(caller);
    }
}
