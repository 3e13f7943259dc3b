package dev.bulwark.agent.policy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The room of a policy kept per key value ({@link KeyedPolicies}, the keyed rate limiter): at most
 * {@code maxKeys} keys retained, and, once half the room is taken, a sweep of idle keys at most once per interval.
 * What a sweep evicts is its owner's; this counts the room and hands each due sweep to one caller.
 */
public final class KeyRoom {
    private static final long NONE = Long.MIN_VALUE;

    private final int maxKeys;
    private final int sweepThreshold;
    private final long sweepIntervalNanos;
    /** Room taken by keys retained, or about to be; never above maxKeys. */
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicLong nextSweepAt = new AtomicLong(NONE);

    /** @param maxKeys at least 1 (the owner says so in its own terms) */
    public KeyRoom(int maxKeys, long sweepIntervalNanos) {
        this.maxKeys = maxKeys;
        this.sweepThreshold = maxKeys / 2;
        this.sweepIntervalNanos = sweepIntervalNanos;
    }

    /** Takes room for a new key; false while {@code maxKeys} are taken. */
    public boolean tryTake() {
        for (;;) {
            int now = taken.get();
            if (now >= maxKeys) {
                return false;
            }
            if (taken.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back the room of a key that left. */
    public void release() {
        taken.decrementAndGet();
    }

    /** Whether new keys should ask for a sweep: half the room is taken. */
    public boolean halfTaken() {
        return taken.get() >= sweepThreshold;
    }

    /**
     * True for the one caller that claims the sweep due at {@code nowNanos}. Claiming the due time is the only
     * coordination: a flag held for the whole sweep would let one preempted sweeper stop all eviction, and two
     * sweeps overlapping are harmless as long as each eviction is atomic on its own.
     */
    public boolean claimSweep(long nowNanos) {
        long due = nextSweepAt.get();
        return (due == NONE || nowNanos - due >= 0) && nextSweepAt.compareAndSet(due, nowNanos + sweepIntervalNanos);
    }
}
