package dev.bulwark.annotations;

/** Where a rate limiter counts its permits. */
public enum Scope {
    /** In this JVM alone. */
    LOCAL,
    /**
     * Shared by every JVM that uses the same limiter name (and key) against the same Redis ({@code bulwark.redis});
     * when Redis cannot answer in time, {@code bulwark.redis.on-failure} decides.
     */
    CLUSTER
}
