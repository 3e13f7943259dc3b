package dev.bulwark.agent.policy.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Frame nesting and which deadline the watchdog acts on, with time driven by hand. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineSlotTest {
    private static final long MS = 1_000_000L;

    private final ManualClock clock = new ManualClock();
    private final Watchdog watchdog = new Watchdog(clock);
    private final DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdown();
    }

    @Test
    void noOpenFrameMeansNoDeadline() {
        assertThat(slot.currentDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void innerFrameGetsTheEarlierOfItsOwnTimeoutAndTheTimeLeft() {
        assertThat(slot.enter(0, 100 * MS, true)).isEqualTo(100 * MS);
        assertThat(slot.enter(10 * MS, 50 * MS, true)).isEqualTo(60 * MS);
        assertThat(slot.enter(20 * MS, 500 * MS, false)).as("a longer inner timeout keeps the time left").isEqualTo(60 * MS);
        assertThat(slot.currentDeadline()).isEqualTo(60 * MS);

        slot.exit();
        assertThat(slot.currentDeadline()).isEqualTo(60 * MS);
        slot.exit();
        assertThat(slot.currentDeadline()).isEqualTo(100 * MS);
        slot.exit();
        assertThat(slot.currentDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void framesNestDeeperThanTheInitialCapacity() {
        int frames = 100;
        for (int i = 0; i < frames; i++) {
            assertThat(slot.enter(0, (frames - i) * MS, i % 2 == 0)).isEqualTo((frames - i) * MS);
        }
        for (int i = frames - 1; i >= 0; i--) {
            assertThat(slot.currentDeadline()).isEqualTo((frames - i) * MS);
            assertThat(slot.exit()).isFalse();
        }
        assertThat(slot.currentDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aTimeoutTooLongToRepresentNeverExpiresAndArmsNothing() {
        assertThat(slot.enter(5 * MS, Long.MAX_VALUE, true)).isEqualTo(Long.MAX_VALUE);
        assertThat(watchdog.thread()).as("nothing was armed, so no watchdog thread").isNull();
        assertThat(slot.exit()).isFalse();
    }

    @Test
    void exitWithoutEnterIsABug() {
        assertThatThrownBy(slot::exit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theOwnerIsInterruptedAtItsDeadlineAndExitClearsTheInterrupt() {
        slot.enter(0, 5 * MS, true);
        clock.advanceTo(5 * MS);
        Waiting.untilInterrupted();

        assertThat(slot.exit()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void exitBeforeTheDeadlineReportsNoTimeout() {
        slot.enter(0, 5 * MS, true);
        clock.advanceTo(4 * MS);

        assertThat(slot.exit()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void theInnerDeadlineFiresFirstAndTheEnclosingOneIsArmedAgainAfterTheInnerFrameExits() {
        slot.enter(0, 20 * MS, true);
        slot.enter(0, 5 * MS, true);
        clock.advanceTo(5 * MS);
        Waiting.untilInterrupted();
        assertThat(slot.exit()).as("inner frame").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();

        clock.advanceTo(20 * MS);
        Waiting.untilInterrupted();
        assertThat(slot.exit()).as("outer frame").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anEnclosingFrameLeftBeforeItsDeadlineDoesNotReportTheInnerTimeout() {
        slot.enter(0, 20 * MS, true);
        slot.enter(0, 5 * MS, true);
        clock.advanceTo(5 * MS);
        Waiting.untilInterrupted();
        assertThat(slot.exit()).isTrue();

        assertThat(slot.exit()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aFrameThatDoesNotInterruptIsNeverInterrupted() throws InterruptedException {
        assertThat(slot.enter(0, 5 * MS, false)).isEqualTo(5 * MS);
        // A thread that does interrupt at 10 ms proves a watchdog pass ran after 5 ms had passed.
        Thread interrupted = startThreadInterruptedAt(10 * MS);
        clock.advanceTo(10 * MS);
        interrupted.join();

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(slot.exit()).isFalse();
    }

    @Test
    void anEnclosingInterruptStaysArmedWhileAFrameThatDoesNotInterruptIsOpen() {
        slot.enter(0, 10 * MS, true);
        assertThat(slot.enter(0, 5 * MS, false)).isEqualTo(5 * MS);
        clock.advanceTo(10 * MS);
        Waiting.untilInterrupted();

        assertThat(slot.exit()).as("the inner frame was open when the enclosing deadline fired").isTrue();
        assertThat(slot.exit()).as("outer frame").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anEnclosingFrameReportsTheTimeoutThatAnInnerFrameAbsorbed() {
        slot.enter(0, 10 * MS, true);
        slot.enter(0, 5 * MS, false);
        clock.advanceTo(10 * MS);
        Waiting.untilInterrupted();
        // Without a watchdog the re-armed enclosing deadline cannot fire again: only the record of the first one is left.
        watchdog.shutdown();
        Waiting.untilState(watchdog.thread(), Thread.State.TERMINATED);

        assertThat(slot.exit()).as("inner frame").isTrue();
        assertThat(slot.exit()).as("outer frame").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aFrameOpenedAfterTheEnclosingDeadlineFiredInheritsThatInterrupt() {
        slot.enter(0, 5 * MS, true);
        clock.advanceTo(5 * MS);
        Waiting.untilInterrupted();
        // From here on only the record of that one interrupt can make the frames report it.
        watchdog.shutdown();
        Waiting.untilState(watchdog.thread(), Thread.State.TERMINATED);

        // Its own deadline (1 ms, from a stale reading of the clock) differs from the one that fired.
        assertThat(slot.enter(0, MS, true)).isEqualTo(MS);
        assertThat(Thread.currentThread().isInterrupted()).as("the inner body still sees the interrupt").isTrue();
        assertThat(slot.exit()).as("inner frame").isTrue();
        assertThat(slot.exit()).as("outer frame").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anEarlierDeadlineWakesAWatchdogSleepingUntilALaterOne() {
        long hour = TimeUnit.HOURS.toNanos(1);
        slot.enter(0, hour, true);
        Waiting.untilState(watchdog.thread(), Thread.State.TIMED_WAITING);

        slot.enter(0, 5 * MS, true);
        clock.advanceTo(5 * MS);
        Waiting.untilInterrupted();

        assertThat(slot.exit()).isTrue();
        assertThat(slot.exit()).isFalse();
    }

    private Thread startThreadInterruptedAt(long deadline) throws InterruptedException {
        CountDownLatch armed = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            DeadlineSlot other = watchdog.newSlot(Thread.currentThread());
            other.enter(0, deadline, true);
            armed.countDown();
            Waiting.untilInterrupted();
            other.exit();
        });
        thread.start();
        armed.await();
        return thread;
    }
}
