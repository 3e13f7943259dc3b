package dev.bulwark.agent.policy.ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A sliding log: a ring holding the times of the last {@code permits} grants. Grant {@code n} may proceed no
 * earlier than grant {@code n - permits} plus one period, and no earlier than grant {@code n - 1}, so grant times
 * never decrease and any window of length {@code period} holds at most {@code permits} grants - exactly, not
 * approximately. (A two-bucket weighted counter is cheaper in memory but estimates the previous window's share
 * and can over-grant near a boundary, which this algorithm promises never to do.) The price is two longs per permit.
 *
 * <p>Grants are claimed with one CAS on the grant counter; the winner then publishes its time in its slot,
 * stamped with the grant number, the way bounded MPMC queues publish elements. A caller that needs a time not yet
 * published spins for those few instructions. Every decision is checked against an unchanged counter before it
 * counts, so a caller that read a slot while it was being overwritten retries rather than deciding on it.
 */
final class SlidingWindowLimiter implements Retirable {
    private static final long RETIRED_COUNTER = Long.MIN_VALUE;
    private static final long NOT_PUBLISHED = Long.MIN_VALUE;
    private static final int SPINS_BEFORE_YIELD = 64;

    private final int permits;
    private final long periodNanos;
    /** Slot i at [2i] holds (grant number + 1) of the grant whose time is at [2i + 1]; 0 when never used. */
    private final AtomicLongArray ring;
    private final AtomicLong grantsClaimed = new AtomicLong();

    SlidingWindowLimiter(int permits, long periodNanos) {
        this.permits = permits;
        this.periodNanos = periodNanos;
        this.ring = new AtomicLongArray(2 * permits);
    }

    @Override
    public long reserve(long nowNanos, long maxWaitNanos) {
        for (;;) {
            long grant = grantsClaimed.get();
            if (grant == RETIRED_COUNTER) {
                return RETIRED;
            }
            long proceedAt = nowNanos;
            if (grant > 0) {
                long previous = awaitTimeOf(grant - 1, grant);
                if (previous == NOT_PUBLISHED) {
                    continue;
                }
                proceedAt = later(proceedAt, previous);
            }
            if (grant >= permits) {
                long leaving = awaitTimeOf(grant - permits, grant);
                if (leaving == NOT_PUBLISHED) {
                    continue;
                }
                proceedAt = later(proceedAt, leaving + periodNanos);
            }
            long wait = proceedAt - nowNanos;
            if (wait > 0 && wait > maxWaitNanos) {
                if (grantsClaimed.get() == grant) {
                    return RateLimiter.rejectedFor(wait);
                }
                continue;
            }
            if (grantsClaimed.compareAndSet(grant, grant + 1)) {
                publish(grant, proceedAt);
                return wait;
            }
        }
    }

    @Override
    public boolean tryRetire(long nowNanos) {
        long grant = grantsClaimed.get();
        if (grant == RETIRED_COUNTER) {
            return true;
        }
        if (grant > 0) {
            int slot = slotOf(grant - 1);
            if (ring.get(2 * slot) != grant) {
                return false;
            }
            if (ring.get(2 * slot + 1) + periodNanos - nowNanos > 0) {
                return false;
            }
        }
        return grantsClaimed.compareAndSet(grant, RETIRED_COUNTER);
    }

    private void publish(long grant, long proceedAt) {
        int slot = slotOf(grant);
        ring.set(2 * slot + 1, proceedAt);
        ring.set(2 * slot, grant + 1);
    }

    /**
     * The time of {@code grant}, waiting while its claimant has not published it yet; NOT_PUBLISHED when the slot
     * has moved on, meaning the counter is past {@code claimedNow} and the caller must start over.
     */
    private long awaitTimeOf(long grant, long claimedNow) {
        int slot = slotOf(grant);
        for (int spins = 0;; spins++) {
            long stamp = ring.get(2 * slot);
            if (stamp == grant + 1) {
                return ring.get(2 * slot + 1);
            }
            if (stamp > grant + 1 || grantsClaimed.get() != claimedNow) {
                return NOT_PUBLISHED;
            }
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private int slotOf(long grant) {
        return (int) (grant % permits);
    }

    private static long later(long a, long b) {
        return b - a > 0 ? b : a;
    }
}
