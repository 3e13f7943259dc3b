package dev.bulwark.agent.policy.circuitbreaker;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One second of a {@link TimeWindow}. Three plain counters rather than one packed word: a busy second
 * can exceed what a packed field holds, and the success path then touches only {@code calls}.
 */
final class SecondBucket {
    private static final AtomicLongFieldUpdater<SecondBucket> CALLS = AtomicLongFieldUpdater.newUpdater(SecondBucket.class, "calls");
    private static final AtomicLongFieldUpdater<SecondBucket> FAILED = AtomicLongFieldUpdater.newUpdater(SecondBucket.class, "failed");
    private static final AtomicLongFieldUpdater<SecondBucket> SLOW = AtomicLongFieldUpdater.newUpdater(SecondBucket.class, "slow");

    final long second;
    private volatile long calls;
    private volatile long failed;
    private volatile long slow;

    SecondBucket(long second) {
        this.second = second;
    }

    long addCall() {
        return CALLS.incrementAndGet(this);
    }

    long addFailed() {
        return FAILED.incrementAndGet(this);
    }

    long addSlow() {
        return SLOW.incrementAndGet(this);
    }

    long calls() {
        return calls;
    }

    long failed() {
        return failed;
    }

    long slow() {
        return slow;
    }
}
