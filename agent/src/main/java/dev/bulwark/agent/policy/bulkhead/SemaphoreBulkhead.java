package dev.bulwark.agent.policy.bulkhead;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * At most {@code maxConcurrent} bodies at once. A free slot is taken with one CAS on the free-slot count and
 * allocates nothing; only a caller that has to wait joins the synchronizer's queue and parks.
 *
 * <p>Acquisition is not fair: a caller arriving while a slot is free takes it even when others wait. Waiters
 * are bounded by their {@code maxWait} anyway, and barging keeps the no-wait path a single CAS.
 */
public final class SemaphoreBulkhead {
    private final int maxConcurrent;
    private final Slots slots;

    public SemaphoreBulkhead(BulkheadSpec spec) {
        if (spec.maxConcurrent() < 1) {
            throw new IllegalArgumentException(
                    "bulkhead '" + spec.name() + "': maxConcurrent must be at least 1, was " + spec.maxConcurrent());
        }
        this.maxConcurrent = spec.maxConcurrent();
        this.slots = new Slots(maxConcurrent);
    }

    public boolean tryAcquire() {
        return slots.tryAcquireShared(1) >= 0;
    }

    /**
     * Waits up to {@code maxWaitNanos} (parked, not spinning) for a slot.
     *
     * @return false when no slot came in time
     * @throws InterruptedException when the thread is interrupted before or while waiting
     */
    public boolean acquire(long maxWaitNanos) throws InterruptedException {
        return slots.tryAcquireSharedNanos(1, Math.max(0L, maxWaitNanos));
    }

    /** Returns a slot taken by {@link #tryAcquire()} or {@link #acquire(long)}; wakes one waiter if any. */
    public void release() {
        slots.releaseShared(1);
    }

    /** Bodies running now. */
    public int active() {
        int free = slots.free();
        return free == Slots.RETIRED ? 0 : maxConcurrent - free;
    }

    /**
     * Retires this bulkhead if no body runs inside it and no caller waits for it; true when it is retired now.
     * A retired bulkhead admits nothing: a keyed bulkhead's caller that still held it after it was evicted must
     * not add to the slots of the key's new one. See {@link #retired()}.
     */
    public boolean tryRetire() {
        return !slots.hasQueuedThreads() && slots.retire();
    }

    /** Whether {@link #tryRetire()} retired it: a refused slot then means "ask for the key's bulkhead again". */
    public boolean retired() {
        return slots.free() == Slots.RETIRED;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** Callers parked waiting for a slot (an estimate, for gauges). */
    public int waiting() {
        return slots.getQueueLength();
    }

    /** The synchronizer state is the number of free slots. */
    private static final class Slots extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;
        static final int RETIRED = -1;

        private final int capacity;

        Slots(int capacity) {
            this.capacity = capacity;
            setState(capacity);
        }

        int free() {
            return getState();
        }

        @Override
        protected int tryAcquireShared(int ignored) {
            for (;;) {
                int free = getState();
                if (free <= 0) {
                    return -1;
                }
                if (compareAndSetState(free, free - 1)) {
                    return free - 1;
                }
            }
        }

        boolean retire() {
            return compareAndSetState(capacity, RETIRED);
        }

        /** A release without a matching acquire would silently widen the bulkhead, so it fails loudly. */
        @Override
        protected boolean tryReleaseShared(int ignored) {
            for (;;) {
                int free = getState();
                if (free == capacity) {
                    throw releasedTooOften();
                }
                if (compareAndSetState(free, free + 1)) {
                    return true;
                }
            }
        }

        // Built out of line so that the release stays small enough for the JIT to inline on every call path.
        private static IllegalStateException releasedTooOften() {
            return new IllegalStateException("bulkhead released more often than acquired");
        }
    }
}
