package dev.bulwark.agent.policy.adaptive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A concurrency limit that follows latency. Each completed call adds its round trip to the current window with a
 * few atomic adds (no lock, no allocation); the call that finds the window old enough closes it, alone, and asks
 * the {@link LimitAlgorithm} for the next limit. So the algorithm runs about ten times a second however many
 * calls there are, and admission reads one volatile int.
 */
public final class AdaptiveLimit {
    /** A window closes once it is this old and holds {@link #MIN_SAMPLES} calls ... */
    static final long MIN_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int MIN_SAMPLES = 10;
    /** ... or once it is this old with any call at all, so a trickle of slow calls still moves the limit. */
    static final long MAX_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LimitAlgorithm algorithm;
    private final int minLimit;
    private final int maxLimit;
    /** Read on every admission; written only by the thread that closes a window. */
    private volatile int limit;
    /** The unrounded limit, which carries small steps across windows; guarded by {@link #closing}. */
    private double exactLimit;

    private final AtomicLong windowStart;
    private final AtomicLong rttSum = new AtomicLong();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicLong minRtt = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile boolean dropped;
    /** Held by the one thread closing a window; its release publishes the algorithm's state to the next. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final SampleWindow window = new SampleWindow();

    public AdaptiveLimit(LimitAlgorithm algorithm, int initialLimit, int minLimit, int maxLimit, long nowNanos) {
        if (minLimit < 1 || maxLimit < minLimit) {
            throw new IllegalArgumentException("adaptive limit needs 1 <= min-limit <= max-limit, was min-limit = "
                    + minLimit + ", max-limit = " + maxLimit);
        }
        this.algorithm = algorithm;
        this.minLimit = minLimit;
        this.maxLimit = maxLimit;
        this.exactLimit = Math.max(minLimit, Math.min(maxLimit, initialLimit));
        this.limit = (int) exactLimit;
        this.windowStart = new AtomicLong(nowNanos);
    }

    /** The current limit. */
    public int limit() {
        return limit;
    }

    /** A call was admitted with {@code inFlight} calls running, itself included. */
    public void admitted(int inFlight) {
        int seen = maxInFlight.get();
        while (inFlight > seen && !maxInFlight.compareAndSet(seen, inFlight)) {
            seen = maxInFlight.get();
        }
    }

    /**
     * A call admitted earlier ended after {@code rttNanos}; {@code dropped} when it ran past its timeout. Closes
     * the window when it is due.
     */
    public void completed(long rttNanos, boolean dropped, long nowNanos) {
        rttSum.addAndGet(rttNanos);
        int count = samples.incrementAndGet();
        long min = minRtt.get();
        while (rttNanos < min && !minRtt.compareAndSet(min, rttNanos)) {
            min = minRtt.get();
        }
        if (dropped) {
            this.dropped = true;
        }
        long age = nowNanos - windowStart.get();
        if ((age >= MIN_WINDOW_NANOS && count >= MIN_SAMPLES || age >= MAX_WINDOW_NANOS)
                && closing.compareAndSet(false, true)) {
            try {
                close(nowNanos);
            } finally {
                closing.set(false);
            }
        }
    }

    /**
     * Takes the window's figures and starts the next. A call completing meanwhile may land in either window;
     * that blurs one sample, never the limit's bounds.
     */
    private void close(long nowNanos) {
        if (nowNanos - windowStart.get() < MIN_WINDOW_NANOS) {
            return;
        }
        windowStart.set(nowNanos);
        int count = samples.getAndSet(0);
        long sum = rttSum.getAndSet(0);
        if (count == 0) {
            return;
        }
        window.samples = count;
        window.averageRttNanos = sum / count;
        long min = minRtt.getAndSet(Long.MAX_VALUE);
        window.minRttNanos = min == Long.MAX_VALUE ? window.averageRttNanos : min;
        window.maxInFlight = maxInFlight.getAndSet(0);
        window.dropped = dropped;
        dropped = false;
        double next = algorithm.next(exactLimit, window);
        exactLimit = Double.isNaN(next) ? exactLimit : Math.max(minLimit, Math.min(maxLimit, next));
        limit = (int) exactLimit;
    }
}
