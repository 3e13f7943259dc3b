package dev.bulwark.agent.policy.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.policy.MillisecondClock;
import org.junit.jupiter.api.Test;

/** Which clock a deadline counts from, and when a deadline counted from a stalled reading is really due. */
class DeadlineClockTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private final ManualClock exact = new ManualClock();
    private final MillisecondClock rough = MillisecondClock.driven(exact);
    private final DeadlineClock deadlines = new DeadlineClock(rough);

    @Test
    void onlyTimeoutsOfASecondOrMoreCountRoughly() {
        assertThat(deadlines.countsRoughly(SECOND - 1)).isFalse();
        assertThat(deadlines.countsRoughly(SECOND)).isTrue();
        assertThat(deadlines.countsRoughly(30 * SECOND)).isTrue();
        assertThat(DeadlineClock.EXACT.countsRoughly(30 * SECOND)).as("no millisecond clock to count from").isFalse();
    }

    @Test
    void exactDeadlinesAreEvenAndNeverEarlierThanTheTimeout() {
        assertThat(DeadlineClock.exactDeadline(10 * MS, 5 * MS)).isEqualTo(15 * MS);
        assertThat(DeadlineClock.exactDeadline(10 * MS + 1, 5 * MS)).isEqualTo(15 * MS + 2);
        assertThat(DeadlineClock.exactDeadline(-7, 2)).isEqualTo(-4);
        assertThat(DeadlineClock.exactDeadline(10 * MS, Long.MAX_VALUE)).isEqualTo(DeadlineSlot.IDLE);
    }

    @Test
    void roughDeadlinesAreOddAndCarryTheClocksSlack() {
        exact.advanceTo(100 * MS + 1);
        deadlines.countsRoughly(2 * SECOND);
        long reading = rough.nanoTime();

        long deadline = deadlines.roughDeadline(2 * SECOND);

        assertThat(deadline & 1).isEqualTo(1);
        assertThat(deadline).isEqualTo(reading + MillisecondClock.STALE_NANOS + 2 * SECOND + 1);
        assertThat(deadlines.roughDeadline(Long.MAX_VALUE)).isEqualTo(DeadlineSlot.IDLE);
    }

    @Test
    void exactDeadlinesAndRoughOnesFromATimelyReadingAreDueWhenTheySay() {
        long roughDeadline = roughDeadlineFrom(100 * MS, SECOND);
        tickAt(101 * MS);
        exact.advanceTo(5 * SECOND);

        assertThat(deadlines.dueAt(roughDeadline)).isEqualTo(roughDeadline);
        long exactDeadline = DeadlineClock.exactDeadline(100 * MS, SECOND);
        assertThat(deadlines.dueAt(exactDeadline)).isEqualTo(exactDeadline);
    }

    @Test
    void aRoughDeadlineFromAStalledReadingIsPutOffToTheEndOfTheStallPlusTheTimeout() {
        deadlines.countsRoughly(3 * SECOND);
        long deadline = roughDeadlineFrom(100 * MS, SECOND);
        // the call may have read the clock just before the ticker, 300 ms late, replaced the reading
        tickAt(400 * MS);

        assertThat(deadlines.dueAt(deadline)).isEqualTo(400 * MS + SECOND + 1);
    }

    @Test
    void aRoughDeadlineWhoseReadingIsStillCurrentIsNotDueBeforeATimeoutFromNow() {
        long deadline = roughDeadlineFrom(100 * MS, SECOND);
        exact.advanceTo(1_200 * MS);

        assertThat(deadlines.dueAt(deadline)).isEqualTo(1_200 * MS + SECOND + 1);
    }

    @Test
    void withoutAMillisecondClockEveryDeadlineIsDueWhenItSays() {
        assertThat(DeadlineClock.EXACT.dueAt(12_345L)).isEqualTo(12_345L);
        assertThat(DeadlineClock.EXACT.dueAt(12_346L)).isEqualTo(12_346L);
    }

    /** A rough deadline of {@code timeoutNanos} made when the exact clock reads {@code exactNanos}. */
    private long roughDeadlineFrom(long exactNanos, long timeoutNanos) {
        deadlines.countsRoughly(timeoutNanos);
        exact.advanceTo(exactNanos);
        return deadlines.roughDeadline(timeoutNanos);
    }

    private void tickAt(long exactNanos) {
        exact.advanceTo(exactNanos);
        rough.tick();
    }
}
