package dev.bulwark.agent.policy.timeout;

import dev.bulwark.agent.policy.MillisecondClock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Where a timed frame's deadline is counted from. A timeout of a second or more starts from the
 * {@link MillisecondClock}, one volatile load, instead of the exact clock, whose read costs more on a virtual
 * machine than everything else a timed call does; the deadline then carries {@link MillisecondClock#STALE_NANOS}
 * of slack for the clock trailing the call's true start, at most 0.2 % of the timeout. Shorter timeouts, and
 * frames whose caller has read the exact time anyway, count from the exact clock.
 *
 * <p>The two kinds of deadline differ in their lowest bit: exact ones are even, rough ones odd (the millisecond
 * clock's values are even). When a rough deadline comes due, {@link #dueAt} checks that its start was not a
 * reading the clock kept for longer than the slack covers (its thread was not scheduled): such a deadline is
 * put off to the latest instant the call could have started plus its timeout, so no deadline fires early. A
 * rough deadline does not name its timeout, so every registered length is tried; a start that was never
 * stalled leaves the deadline as it is, and an unrelated reading matched by coincidence can only put it off.
 */
public final class DeadlineClock {
    /** Timeouts this long or longer count from the millisecond clock. */
    private static final long ROUGH_FROM_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Counts every deadline from the exact clock. */
    public static final DeadlineClock EXACT = new DeadlineClock(null);

    private final MillisecondClock rough;
    /** The rough timeouts in use, each with its lowest bit set as in a rough deadline. */
    private volatile long[] roughTimeouts = new long[0];

    /** @param rough the clock rough deadlines count from; null to count every deadline from the exact clock */
    public DeadlineClock(MillisecondClock rough) {
        this.rough = rough;
    }

    /**
     * Whether deadlines of this length count from the millisecond clock. Call it once per timeout before any
     * rough deadline of that length is made, and publish the answer to the callers safely: {@link #dueAt}
     * knows only the lengths registered here.
     */
    public boolean countsRoughly(long timeoutNanos) {
        if (rough == null || timeoutNanos < ROUGH_FROM_NANOS) {
            return false;
        }
        register(timeoutNanos | 1L);
        return true;
    }

    /** A deadline {@code timeoutNanos} (registered through {@link #countsRoughly}) from the millisecond clock. */
    public long roughDeadline(long timeoutNanos) {
        long start = rough.nanoTime();
        long deadline = start + MillisecondClock.STALE_NANOS + (timeoutNanos | 1L);
        return deadline < start ? DeadlineSlot.IDLE : deadline;
    }

    /** {@code timeoutNanos} after {@code nowNanos} on the exact clock, rounded up to even. */
    static long exactDeadline(long nowNanos, long timeoutNanos) {
        long deadline = nowNanos + Math.max(0L, timeoutNanos);
        if (deadline < nowNanos || deadline == Long.MAX_VALUE) {
            return DeadlineSlot.IDLE;
        }
        return Math.max(deadline + (deadline & 1L), DeadlineSlot.EARLIEST_DEADLINE);
    }

    /**
     * When {@code deadline} is really due on the exact clock: itself, unless it is rough and its start was a
     * stalled reading. Takes the millisecond clock's lock, so it is only for deadlines already reached.
     */
    public long dueAt(long deadline) {
        if ((deadline & 1L) == 0 || rough == null) {
            return deadline;
        }
        long due = deadline;
        for (long timeout : roughTimeouts) {
            long start = deadline - timeout - MillisecondClock.STALE_NANOS;
            due = Math.max(due, rough.readableUntil(start) + timeout);
        }
        return due;
    }

    private synchronized void register(long roughTimeout) {
        long[] known = roughTimeouts;
        for (long timeout : known) {
            if (timeout == roughTimeout) {
                return;
            }
        }
        long[] more = Arrays.copyOf(known, known.length + 1);
        more[known.length] = roughTimeout;
        roughTimeouts = more;
    }
}
