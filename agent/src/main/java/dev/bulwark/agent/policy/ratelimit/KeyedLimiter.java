package dev.bulwark.agent.policy.ratelimit;

/** Limiters per key value: this JVM's ({@link KeyedRateLimiter}) or shared by a cluster. */
public interface KeyedLimiter {
    /** Like {@link RateLimiter#reserve}, against the limiter of {@code key} ({@code null} is a key too). */
    long reserve(Object key, long nowNanos, long maxWaitNanos);
}
