package dev.bulwark.agent.policy.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code permits} grants per period, periods aligned to the clock's zero. The state is one packed
 * {@code long}: the index of the window that holds the latest grants, and how many it holds. A caller that finds
 * its window full may reserve a permit in a later window (within its maximum wait), so the window index can run
 * ahead of now.
 *
 * <p>The index keeps only its low {@code 64 - countBits} bits and is compared modulo that width; a limiter would
 * have to sit unused for over 2^32 periods before an old index could read as a future one. A count of zero only
 * ever appears in the initial state: every stored state holds at least the grant that stored it.
 */
final class FixedWindowLimiter implements Retirable {
    /** All ones: a count above {@code permits}, which no real state has. */
    private static final long RETIRED_STATE = -1L;

    private final int permits;
    private final long periodNanos;
    private final int countBits;
    private final long countMask;
    private final AtomicLong windowAndCount = new AtomicLong();

    FixedWindowLimiter(int permits, long periodNanos) {
        this.permits = permits;
        this.periodNanos = periodNanos;
        this.countBits = 64 - Long.numberOfLeadingZeros(permits + 1L);
        this.countMask = (1L << countBits) - 1;
    }

    @Override
    public long reserve(long nowNanos, long maxWaitNanos) {
        long currentWindow = Math.floorDiv(nowNanos, periodNanos);
        for (;;) {
            long state = windowAndCount.get();
            if (state == RETIRED_STATE) {
                return RETIRED;
            }
            long count = state & countMask;
            long windowsAhead = count == 0 ? -1 : windowsAhead(state, currentWindow);
            if (windowsAhead < 0) {
                windowsAhead = 0;
                count = 0;
            }
            if (count == permits) {
                windowsAhead++;
                count = 0;
            }
            long wait = windowsAhead == 0 ? 0 : untilWindow(nowNanos, windowsAhead);
            if (wait > maxWaitNanos) {
                return RateLimiter.rejectedFor(wait);
            }
            long next = ((currentWindow + windowsAhead) << countBits) | (count + 1);
            if (windowAndCount.compareAndSet(state, next)) {
                return wait;
            }
        }
    }

    @Override
    public boolean tryRetire(long nowNanos) {
        long state = windowAndCount.get();
        if (state == RETIRED_STATE) {
            return true;
        }
        boolean unused = (state & countMask) == 0
                || windowsAhead(state, Math.floorDiv(nowNanos, periodNanos)) < 0;
        return unused && windowAndCount.compareAndSet(state, RETIRED_STATE);
    }

    /** Negative when the stored window is already over. */
    private long windowsAhead(long state, long currentWindow) {
        long storedMinusCurrent = (state >>> countBits) - currentWindow;
        return (storedMinusCurrent << countBits) >> countBits;
    }

    /**
     * Nanoseconds until the window {@code windowsAhead} after now's begins; saturated, since a window far ahead is
     * only ever compared with the maximum wait.
     */
    private long untilWindow(long nowNanos, long windowsAhead) {
        if (windowsAhead > Long.MAX_VALUE / periodNanos) {
            return Long.MAX_VALUE;
        }
        return windowsAhead * periodNanos - Math.floorMod(nowNanos, periodNanos);
    }
}
