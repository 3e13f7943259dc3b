package dev.bulwark.annotations;

/** Where a bulkhead runs its calls: on the caller's thread, or on its own pool (asynchronous methods). */
public enum BulkheadType {
    SEMAPHORE, THREAD_POOL
}
