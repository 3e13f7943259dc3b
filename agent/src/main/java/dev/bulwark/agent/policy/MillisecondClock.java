package dev.bulwark.agent.policy;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} as last read by a daemon thread that reads it once per tick: reading this clock is
 * one volatile load instead of a clock read that costs tens of nanoseconds on virtual machines, paid twice on
 * every protected call. Policies whose time scales are milliseconds and up (a breaker's slow-call threshold,
 * its wait in OPEN, its one-second buckets) use it; a timeout of a second or more counts its deadline from it,
 * and a shorter one uses it to clear an attempt that ended far from its deadline. Rate limiters read the exact
 * clock.
 *
 * <p>The value never decreases, is always even (so a deadline counted from it can be told apart, see the
 * timeout package), and trails the exact clock by about a tick, more while the ticking thread is not
 * scheduled. How much more is recorded: {@link #readableUntil} tells, for a value read earlier, the latest
 * exact time at which it could still have been read, so that a deadline counted from a stale reading is never
 * acted on early. The thread starts at the first read, so a JVM without breakers or timeouts runs none.
 */
public final class MillisecondClock implements NanoClock {
    /**
     * How long a value may stay the clock's reading without being recorded as a stall: a tick and a scheduling
     * delay. Even, like the values.
     */
    public static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Before the first tick; the clock never stores 0 itself. */
    private static final long NOT_STARTED = 0L;
    private static final int REMEMBERED_STALLS = 128;
    private static final int SECOND_SHIFT = 30;
    /** About 18 minutes of readings: longer than any timeout waits in practice. */
    private static final int SUMMARISED_SECONDS = 1024;
    private static final long NO_SECOND = Long.MIN_VALUE;

    private final NanoClock exact;
    private final String threadName;
    private volatile long now = NOT_STARTED;

    /** Values that stayed the reading longer than {@link #STALE_NANOS}, oldest first from {@code oldestStall}. */
    private final long[] stalledValues = new long[REMEMBERED_STALLS];
    /** Per stalled value, an exact time after which it was no longer the reading. */
    private final long[] stallEnds = new long[REMEMBERED_STALLS];
    private int oldestStall;
    private int stalls;
    /**
     * Stalls forgotten to make room, summarised per second of readings (2^30 ns): which second each entry holds
     * ({@link #NO_SECOND} if none yet) and the longest stall forgotten from it. A deadline counted from a
     * forgotten reading is put off by its second's longest stall, not by the longest stall the JVM ever had.
     */
    private final long[] summarisedSeconds = new long[SUMMARISED_SECONDS];
    private final long[] longestStallOfSecond = new long[SUMMARISED_SECONDS];
    private boolean forgotStalls;
    private long newestForgottenValue;
    /** The newest second whose summary was overwritten, and the longest stall among all overwritten. */
    private long newestOverwrittenSecond = NO_SECOND;
    private long longestOverwrittenStall;

    /** A clock ticking on a daemon thread of that name, started by the first read. */
    public MillisecondClock(String threadName) {
        this(NanoClock.SYSTEM, threadName);
    }

    /** A clock over {@code exact} that moves only on {@link #tick()}: for tests, which decide when it is late. */
    public static MillisecondClock driven(NanoClock exact) {
        return new MillisecondClock(exact, null);
    }

    private MillisecondClock(NanoClock exact, String threadName) {
        this.exact = exact;
        this.threadName = threadName;
        Arrays.fill(summarisedSeconds, NO_SECOND);
    }

    @Override
    public long nanoTime() {
        long tick = now;
        return tick != NOT_STARTED ? tick : start();
    }

    /**
     * The latest exact time at which {@code value}, once read from this clock, could still have been its reading:
     * the exact time now while it still is, the end of its stall if it stalled, else {@code value + STALE_NANOS};
     * for a reading whose stall may have been forgotten, the longest stall forgotten from its second.
     */
    public synchronized long readableUntil(long value) {
        if (value == now) {
            return exact.nanoTime();
        }
        for (int i = 0; i < stalls; i++) {
            int index = (oldestStall + i) % REMEMBERED_STALLS;
            if (stalledValues[index] == value) {
                return stallEnds[index];
            }
        }
        return value + Math.max(STALE_NANOS, longestForgottenStallAround(value));
    }

    private long longestForgottenStallAround(long value) {
        if (!forgotStalls || value - newestForgottenValue > 0) {
            return 0;
        }
        long second = value >> SECOND_SHIFT;
        int index = (int) (second & (SUMMARISED_SECONDS - 1));
        if (summarisedSeconds[index] == second) {
            return longestStallOfSecond[index];
        }
        return newestOverwrittenSecond != NO_SECOND && second <= newestOverwrittenSecond ? longestOverwrittenStall : 0;
    }

    /** Publishes the exact time as the new reading; the ticking thread's work, and a driven clock's step. */
    public synchronized void tick() {
        long previous = now;
        now = evenNanoTime();
        // Measured after the store, so a reader who saw the previous value read it before this instant.
        long replacedBy = exact.nanoTime();
        if (previous != NOT_STARTED && replacedBy - previous > STALE_NANOS) {
            rememberStall(previous, replacedBy);
        }
    }

    private synchronized long start() {
        if (now == NOT_STARTED) {
            now = evenNanoTime();
            if (threadName != null) {
                Thread ticker = new Thread(this::tickForever, threadName);
                ticker.setDaemon(true);
                ticker.start();
            }
        }
        return now;
    }

    private void tickForever() {
        for (;;) {
            LockSupport.parkNanos(TICK_NANOS);
            // an interrupt, from whatever interrupts every thread it finds, would turn the park into a spin
            Thread.interrupted();
            tick();
        }
    }

    private void rememberStall(long value, long end) {
        if (stalls == REMEMBERED_STALLS) {
            forget(stalledValues[oldestStall], stallEnds[oldestStall] - stalledValues[oldestStall]);
            oldestStall = (oldestStall + 1) % REMEMBERED_STALLS;
            stalls--;
        }
        int index = (oldestStall + stalls) % REMEMBERED_STALLS;
        stalledValues[index] = value;
        stallEnds[index] = end;
        stalls++;
    }

    private void forget(long value, long stall) {
        long second = value >> SECOND_SHIFT;
        int index = (int) (second & (SUMMARISED_SECONDS - 1));
        if (summarisedSeconds[index] != second) {
            if (summarisedSeconds[index] != NO_SECOND) {
                newestOverwrittenSecond = Math.max(newestOverwrittenSecond, summarisedSeconds[index]);
                longestOverwrittenStall = Math.max(longestOverwrittenStall, longestStallOfSecond[index]);
            }
            summarisedSeconds[index] = second;
            longestStallOfSecond[index] = 0;
        }
        longestStallOfSecond[index] = Math.max(longestStallOfSecond[index], stall);
        forgotStalls = true;
        newestForgottenValue = value;
    }

    private long evenNanoTime() {
        long even = exact.nanoTime() & ~1L;
        return even != NOT_STARTED ? even : 2L;
    }
}
