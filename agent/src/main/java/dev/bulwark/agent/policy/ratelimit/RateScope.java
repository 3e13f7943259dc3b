package dev.bulwark.agent.policy.ratelimit;

/** Where a rate limiter's decision was made; metrics count decisions by it. */
public enum RateScope {
    /** By this JVM's own limiter. */
    LOCAL,
    /** In Redis, for every JVM sharing the limiter. */
    CLUSTER,
    /** In this JVM, per {@code bulwark.redis.on-failure}, because Redis could not answer in time. */
    FALLBACK
}
