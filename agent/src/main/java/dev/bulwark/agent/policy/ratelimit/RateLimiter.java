package dev.bulwark.agent.policy.ratelimit;

/** Grants permits at a configured rate. Implementations are lock-free and allocate nothing per call. */
public interface RateLimiter {
    /** Returned by {@link #reserve} when no permit can come within the maximum wait. */
    long REJECTED = -1L;

    /**
     * Reserves one permit at {@code nowNanos}. Never sleeps: waiting is the caller's job.
     *
     * @return 0 when granted now; a positive number of nanoseconds the caller must wait before proceeding (the
     *     permit is reserved for it, and the wait is at most {@code maxWaitNanos}); or a negative value when no
     *     permit can come within {@code maxWaitNanos}, in which case nothing is reserved
     */
    long reserve(long nowNanos, long maxWaitNanos);
}
