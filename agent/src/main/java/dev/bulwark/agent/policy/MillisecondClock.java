package dev.bulwark.agent.policy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} as last read by a daemon thread that reads it once per tick: reading this clock is
 * one volatile load instead of a clock read that costs tens of nanoseconds on virtual machines, paid twice on
 * every protected call. Policies whose time scales are milliseconds and up (a breaker's slow-call threshold,
 * its wait in OPEN, its one-second buckets) use it, and a timeout uses it to clear an attempt that ended far
 * from its deadline; what promises exact bounds (rate limiters, deadlines themselves) reads the exact clock.
 *
 * <p>The value never decreases and trails the exact clock by about a tick, more while the ticking thread is
 * not scheduled. The thread starts at the first read, so a JVM without breakers runs none.
 */
public final class MillisecondClock implements NanoClock {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Before the first tick; the exact clock is never 0 once a tick has stored it, and is read directly then. */
    private static final long NOT_STARTED = 0L;

    private final String threadName;
    private volatile long now = NOT_STARTED;

    public MillisecondClock(String threadName) {
        this.threadName = threadName;
    }

    @Override
    public long nanoTime() {
        long tick = now;
        return tick != NOT_STARTED ? tick : start();
    }

    private synchronized long start() {
        if (now == NOT_STARTED) {
            now = nonZeroNanoTime();
            Thread ticker = new Thread(this::tick, threadName);
            ticker.setDaemon(true);
            ticker.start();
        }
        return now;
    }

    private void tick() {
        for (;;) {
            LockSupport.parkNanos(TICK_NANOS);
            // an interrupt, from whatever interrupts every thread it finds, would turn the park into a spin
            Thread.interrupted();
            now = nonZeroNanoTime();
        }
    }

    private static long nonZeroNanoTime() {
        long exact = System.nanoTime();
        return exact != NOT_STARTED ? exact : 1L;
    }
}
