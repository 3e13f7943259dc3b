package dev.bulwark.agent.policy;

import dev.bulwark.agent.runtime.AgentThreads;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} as last read by a daemon thread that reads it once per tick: reading this clock is
 * one volatile load instead of an exact clock read, which on virtual machines costs more than the rest of a
 * protected call (benchmarks/README.md, {@code ref_nanoTime}) and would be paid twice on every one. Policies
 * whose time scales are milliseconds and up (a breaker's slow-call threshold, its wait in OPEN, its one-second
 * buckets) use it; a timeout of a second or more counts its deadline from it, and a shorter one uses it to
 * clear an attempt that ended far from its deadline. Rate limiters read the exact clock.
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

    private final NanoClock exact;
    private final String threadName;
    private volatile long now = NOT_STARTED;

    /** Readings kept longer than {@link #STALE_NANOS}; guarded by this clock's lock. */
    private final Stalls stalls = new Stalls();

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
    }

    @Override
    public long nanoTime() {
        long tick = now;
        return tick != NOT_STARTED ? tick : start();
    }

    @Override
    public long exactNanoTime() {
        return exact.nanoTime();
    }

    /**
     * The latest exact time at which {@code value}, once read from this clock, could still have been its reading:
     * the exact time now while it still is, else {@code value} plus the longer of {@link #STALE_NANOS} and the
     * stall recorded for it (see {@link Stalls#longestAt}).
     */
    public synchronized long readableUntil(long value) {
        if (value == now) {
            return exact.nanoTime();
        }
        return value + Math.max(STALE_NANOS, stalls.longestAt(value));
    }

    /** Publishes the exact time as the new reading; the ticking thread's work, and a driven clock's step. */
    public synchronized void tick() {
        long previous = now;
        now = evenNanoTime();
        // Measured after the store, so a reader who saw the previous value read it before this instant.
        long replacedBy = exact.nanoTime();
        if (previous != NOT_STARTED && replacedBy - previous > STALE_NANOS) {
            stalls.record(previous, replacedBy - previous);
        }
    }

    private synchronized long start() {
        if (now == NOT_STARTED) {
            now = evenNanoTime();
            if (threadName != null) {
                AgentThreads.start(threadName, this::tickForever);
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

    private long evenNanoTime() {
        long even = exact.nanoTime() & ~1L;
        return even != NOT_STARTED ? even : 2L;
    }
}
