package dev.bulwark.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MillisecondClockTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    /** The exact time under {@link #driven}, which moves only on {@link #tickAt}. */
    private final AtomicLong exact = new AtomicLong(10 * MS);
    private final MillisecondClock driven = MillisecondClock.driven(exact::get);

    @Test
    void startsAtTheExactTimeOfTheFirstReadAndKeepsUpWithTheExactClock() {
        MillisecondClock clock = new MillisecondClock("test-clock");
        long before = System.nanoTime();
        long first = clock.nanoTime();
        assertThat(first).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(System.nanoTime());

        long target = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> clock.nanoTime() - target >= 0);
        assertThat(clock.nanoTime()).isLessThanOrEqualTo(System.nanoTime());
    }

    @Test
    void neverRunsBackwardsWhileManyThreadsRead() throws Exception {
        MillisecondClock clock = new MillisecondClock("test-clock");
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        boolean[] monotonic = new boolean[4];
        Thread[] readers = new Thread[monotonic.length];
        for (int r = 0; r < readers.length; r++) {
            int reader = r;
            readers[r] = new Thread(() -> {
                long previous = clock.nanoTime();
                boolean ok = true;
                while (System.nanoTime() - end < 0) {
                    long now = clock.nanoTime();
                    ok &= now - previous >= 0;
                    previous = now;
                }
                monotonic[reader] = ok;
            });
            readers[r].start();
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(Arrays.asList(monotonic[0], monotonic[1], monotonic[2], monotonic[3])).containsOnly(true);
    }

    @Test
    void anInterruptedTickerKeepsTicking() {
        MillisecondClock clock = new MillisecondClock("interrupted-test-clock");
        clock.nanoTime();
        Thread ticker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("interrupted-test-clock")).findFirst().orElseThrow();
        assertThat(ticker.isDaemon()).isTrue();
        ticker.interrupt();
        long target = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> clock.nanoTime() - target >= 0);
        assertThat(ticker.getState()).isIn(Thread.State.TIMED_WAITING, Thread.State.RUNNABLE);
    }

    @Test
    void readingsAreEvenSoThatDeadlinesCountedFromThemCanBeToldApart() {
        exact.set(1_000_001L);
        assertThat(driven.nanoTime()).isEqualTo(1_000_000L);
        tickAt(2_000_003L);
        assertThat(driven.nanoTime()).isEqualTo(2_000_002L);
    }

    @Test
    void theCurrentReadingMayBeReadUntilNow() {
        long reading = driven.nanoTime();
        exact.set(500 * MS);
        assertThat(driven.readableUntil(reading)).as("the ticker has not replaced it yet").isEqualTo(500 * MS);
    }

    @Test
    void aReadingReplacedInTimeWasReadWithinTheStaleBound() {
        long reading = driven.nanoTime();
        tickAt(11 * MS);
        exact.set(900 * MS);
        assertThat(driven.readableUntil(reading)).isEqualTo(reading + MillisecondClock.STALE_NANOS);
    }

    @Test
    void aStalledReadingIsRememberedWithTheEndOfItsStall() {
        long stalled = driven.nanoTime();
        tickAt(60 * MS);
        long timely = driven.nanoTime();
        tickAt(61 * MS);
        exact.set(900 * MS);

        assertThat(driven.readableUntil(stalled)).isEqualTo(60 * MS);
        assertThat(driven.readableUntil(timely)).isEqualTo(timely + MillisecondClock.STALE_NANOS);
    }

    @Test
    void readingsWhoseStallWasForgottenGetTheLongestStallForgottenFromTheirSecond() {
        long first = driven.nanoTime();
        tickAt(first + 70 * MS);
        for (int i = 0; i < 200; i++) {
            tickAt(exact.get() + 5 * MS);
        }
        tickAt(exact.get() + MS);

        assertThat(driven.readableUntil(first)).as("forgotten, so bounded by the longest stall of its second")
                .isEqualTo(first + 70 * MS);
        assertThat(driven.readableUntil(first + MS)).as("never a reading, but older than what is remembered")
                .isEqualTo(first + MS + 70 * MS);
        long recent = driven.nanoTime() - 5 * MS - MS;
        assertThat(driven.readableUntil(recent)).as("a stall still remembered").isEqualTo(recent + 5 * MS);
    }

    @Test
    void aLongStallForgottenLongAgoDoesNotPutOffReadingsOfALaterSecond() {
        long first = driven.nanoTime();
        tickAt(first + 500 * MS);
        long laterSecond = first + 3 * SECOND;
        long forgottenLater = 0;
        while (exact.get() - (laterSecond + 2 * SECOND) < 0) {
            if (forgottenLater == 0 && exact.get() - laterSecond >= 0) {
                forgottenLater = driven.nanoTime();
            }
            tickAt(exact.get() + 5 * MS);
        }

        assertThat(driven.readableUntil(forgottenLater)).as("its second's stalls were 5 ms").isEqualTo(forgottenLater + 5 * MS);
        assertThat(driven.readableUntil(first)).isEqualTo(first + 500 * MS);
    }

    @Test
    void readingsOlderThanTheSummaryGetTheLongestStallOverwritten() {
        long first = driven.nanoTime();
        tickAt(first + 500 * MS);
        while (exact.get() - (first + 1_100 * SECOND) < 0) {
            tickAt(exact.get() + 5 * MS);
        }

        assertThat(driven.readableUntil(first)).as("its second's summary was overwritten").isEqualTo(first + 500 * MS);
        assertThat(driven.readableUntil(first + 10 * MS)).isEqualTo(first + 10 * MS + 500 * MS);
    }

    private void tickAt(long exactNanos) {
        exact.set(exactNanos);
        driven.tick();
    }
}
