package dev.bulwark.agent.policy.ratelimit;

/**
 * A limiter that a {@link KeyedRateLimiter} can drop once it is idle.
 *
 * <p>Dropping must be atomic with granting: if a caller still held a dropped limiter and were granted a permit by
 * it while a fresh limiter for the same key granted another, the key would get more than its rate. So retiring
 * happens in the same atomic word as granting, only when the limiter is back at full capacity (so a fresh one is
 * indistinguishable from it), and a retired limiter answers every later reservation with {@link #RETIRED}.
 */
interface Retirable extends RateLimiter {
    /** Negative, so even a caller unaware of retirement reads it as a rejection. */
    long RETIRED = Long.MIN_VALUE;

    /** Retires this limiter if it is at full capacity at {@code nowNanos}; true when it is retired now. */
    boolean tryRetire(long nowNanos);
}
