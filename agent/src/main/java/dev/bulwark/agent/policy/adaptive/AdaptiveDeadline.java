package dev.bulwark.agent.policy.adaptive;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The timeout of an adaptive {@code @Timeout}: {@code value} until {@code minCalls} attempts succeeded, then
 * {@code clamp(multiplier × pXX of recent latencies, min, value)}. Recording an attempt is an increment of a
 * {@link LatencyHistogram} bucket and of a counter (two during warm-up); the percentile is read again every
 * {@link #RECOMPUTE_EVERY} recorded attempts, by whichever caller records that one, and published in a
 * volatile field that every attempt reads for its deadline.
 *
 * <p>"Recent" is the histogram's two windows, each half of {@code window} long: latencies older than
 * {@code window} are forgotten, so a deadline tightened on a fast day loosens on a slow one.
 *
 * <p>An attempt that timed out is recorded at the time it ran, a lower bound of its latency, though it is no
 * success: counting successes alone, a deadline tightened below a new, slower normal would time out every
 * attempt, record nothing more and never loosen. With timed-out attempts counted, once more than
 * {@code 100 - percentile} percent of the recent attempts time out, the percentile is at least the deadline and
 * the next one is {@code multiplier} times longer, up to {@code value}.
 */
public final class AdaptiveDeadline {
    /** A power of two: recomputing reads every bucket of the histogram, so it is spread over this many attempts. */
    static final long RECOMPUTE_EVERY = 64;

    private final long maxNanos;
    private final long minNanos;
    private final double percentile;
    private final double multiplier;
    private final long minCalls;
    private final long halfWindowNanos;
    private final LatencyHistogram histogram = new LatencyHistogram();
    /** Successes counted until {@code minCalls}; after that, {@link #warm} spares every success this increment. */
    private final AtomicLong successes = new AtomicLong();
    private volatile boolean warm;
    private final AtomicLong recorded = new AtomicLong();
    /** Held by the one caller recomputing; the others skip their turn rather than wait. */
    private final AtomicBoolean recomputing = new AtomicBoolean();
    /** When the histogram's current window began; read and written only while holding {@link #recomputing}. */
    private long windowStartNanos;
    private boolean windowStarted;
    private volatile long currentNanos;

    /**
     * @param maxNanos    the timeout's {@code value}: the deadline before warm-up, and the most it ever is
     * @param minNanos    the least it ever is (at most {@code maxNanos})
     * @param percentile  in (0, 100]
     * @param multiplier  at least 1: the margin above the percentile
     * @param minCalls    successful attempts seen before the deadline adapts
     * @param windowNanos how far back latencies count
     */
    public AdaptiveDeadline(long maxNanos, long minNanos, double percentile, double multiplier, long minCalls,
                            long windowNanos) {
        this.maxNanos = maxNanos;
        this.minNanos = Math.min(minNanos, maxNanos);
        this.percentile = percentile;
        this.multiplier = multiplier;
        this.minCalls = Math.max(1L, minCalls);
        this.halfWindowNanos = Math.max(1L, windowNanos / 2);
        this.currentNanos = maxNanos;
    }

    /** The timeout an attempt starting now gets. */
    public long currentNanos() {
        return currentNanos;
    }

    /** An attempt ran {@code latencyNanos} and succeeded in time; {@code nowNanos} is when it ended. */
    public void succeeded(long latencyNanos, long nowNanos) {
        histogram.record(latencyNanos);
        if (!warm) {
            long seen = successes.incrementAndGet();
            if (seen >= minCalls) {
                warm = true;
                if (seen == minCalls) {
                    recompute(nowNanos);
                }
            }
        }
        counted(nowNanos);
    }

    /** An attempt timed out after running {@code elapsedNanos}; see the class comment for why it counts. */
    public void timedOut(long elapsedNanos, long nowNanos) {
        histogram.record(elapsedNanos);
        counted(nowNanos);
    }

    private void counted(long nowNanos) {
        if ((recorded.incrementAndGet() & (RECOMPUTE_EVERY - 1)) == 0 && warm) {
            recompute(nowNanos);
        }
    }

    private void recompute(long nowNanos) {
        if (!recomputing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!windowStarted) {
                windowStarted = true;
                windowStartNanos = nowNanos;
            } else if (nowNanos - windowStartNanos >= halfWindowNanos) {
                histogram.rotate(nowNanos - windowStartNanos >= 2 * halfWindowNanos);
                windowStartNanos = nowNanos;
            }
            long latency = histogram.percentile(percentile);
            if (latency >= 0) {
                currentNanos = clamp(multiplier * latency);
            }
        } finally {
            recomputing.set(false);
        }
    }

    private long clamp(double nanos) {
        return nanos >= maxNanos ? maxNanos : Math.max(minNanos, (long) nanos);
    }
}
