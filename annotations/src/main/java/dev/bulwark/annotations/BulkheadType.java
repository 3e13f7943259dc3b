package dev.bulwark.annotations;

/**
 * How a bulkhead bounds its calls: a fixed number on the caller's thread, a fixed number on its own pool
 * (asynchronous methods), or on the caller's thread with a limit that follows the observed latency.
 */
public enum BulkheadType {
    SEMAPHORE, THREAD_POOL,
    /** The limit moves between the config's {@code min-limit} and {@code max-limit} as latency changes. */
    ADAPTIVE
}
