package dev.bulwark.agent.policy.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket of {@code permits} tokens refilled continuously at {@code permits} per period, as GCRA: the
 * whole state is one "theoretical arrival time" (TAT), the instant the bucket would be full again, moved by one
 * emission interval per grant with a single CAS.
 *
 * <p>The emission interval is {@code period / permits} rounded up, so rounding can only make the limiter
 * stricter (by under a nanosecond per permit), never grant more. Over any interval of length {@code d} it grants
 * at most {@code permits + d * permits / period}: a full burst plus the refill. A window of one period can thus
 * see up to {@code 2 * permits - 1} grants (a burst after idling, then the refill); callers who need at most
 * {@code permits} in every such window use the sliding window.
 */
final class TokenBucketLimiter implements Retirable {
    private static final long NEVER_USED = Long.MIN_VALUE;
    private static final long RETIRED_STATE = Long.MIN_VALUE + 1;

    private final long emissionInterval;
    /** How far the TAT may run ahead of now while a grant is still immediate: the burst minus one. */
    private final long burstTolerance;
    private final AtomicLong theoreticalArrival = new AtomicLong(NEVER_USED);

    TokenBucketLimiter(int permits, long periodNanos) {
        this.emissionInterval = periodNanos / permits + (periodNanos % permits == 0 ? 0 : 1);
        this.burstTolerance = emissionInterval * (permits - 1);
    }

    @Override
    public long reserve(long nowNanos, long maxWaitNanos) {
        for (;;) {
            long arrival = theoreticalArrival.get();
            if (arrival == RETIRED_STATE) {
                return RETIRED;
            }
            long start = arrival == NEVER_USED || arrival - nowNanos < 0 ? nowNanos : arrival;
            long wait = Math.max(0L, start - nowNanos - burstTolerance);
            if (wait > 0 && wait > maxWaitNanos) {
                return RateLimiter.rejectedFor(wait);
            }
            if (theoreticalArrival.compareAndSet(arrival, start + emissionInterval)) {
                return wait;
            }
        }
    }

    @Override
    public boolean tryRetire(long nowNanos) {
        long arrival = theoreticalArrival.get();
        if (arrival == RETIRED_STATE) {
            return true;
        }
        boolean full = arrival == NEVER_USED || arrival - nowNanos <= 0;
        return full && theoreticalArrival.compareAndSet(arrival, RETIRED_STATE);
    }
}
