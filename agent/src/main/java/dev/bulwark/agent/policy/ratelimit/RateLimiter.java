package dev.bulwark.agent.policy.ratelimit;

/** Grants permits at a configured rate. Implementations are lock-free and allocate nothing per call. */
public interface RateLimiter {
    /** Returned by {@link #reserve} when no permit can come within the maximum wait, nor is it known when one would. */
    long REJECTED = -1L;

    /**
     * Reserves one permit at {@code nowNanos}. Never sleeps: waiting is the caller's job.
     *
     * @return 0 when granted now; a positive number of nanoseconds the caller must wait before proceeding (the
     *     permit is reserved for it, and the wait is at most {@code maxWaitNanos}); or a negative value when no
     *     permit can come within {@code maxWaitNanos}, in which case nothing is reserved: minus the nanoseconds
     *     until one would ({@link #rejectedFor}), or {@link #REJECTED} when that is not known
     */
    long reserve(long nowNanos, long maxWaitNanos);

    /** What {@link #reserve} returns when the next permit comes {@code waitNanos} from now, beyond the maximum wait. */
    static long rejectedFor(long waitNanos) {
        return waitNanos > 1 ? -waitNanos : REJECTED;
    }

    /**
     * From a refusal of {@link #reserve}: how long until a permit would be granted, the {@code Retry-After} of the
     * refusal; 0 when not known.
     */
    static long retryAfterNanos(long refusal) {
        return refusal < REJECTED && refusal != Long.MIN_VALUE ? -refusal : 0L;
    }
}
