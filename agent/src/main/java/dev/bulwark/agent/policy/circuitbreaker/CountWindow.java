package dev.bulwark.agent.policy.circuitbreaker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@code size} outcomes, as a ring.
 *
 * <p>Every outcome draws a unique sequence number; slot {@code sequence % size} holds
 * {@code sequence << 3 | flags}. A writer replaces the slot only if the slot holds an older sequence, so
 * when two writers a whole lap apart race for one slot the newer outcome stays no matter who comes
 * second, and the older one (already out of the window) changes nothing. The difference between the
 * outcome put in and the one pushed out is added to {@link #totals}, so the totals always equal the
 * ring's content once writers are quiet: no recorded call is lost and none is counted twice.
 *
 * <p>A success that finds the window full of successes changes nothing the window can tell: it would push out
 * a success to put in a success. It then takes no sequence number and writes nothing, only reads the totals,
 * which is what a healthy breaker does on almost every call. Its place in the order of outcomes is that read:
 * a failure or slow call whose slot is written but whose totals are not yet is after it, and pushes out a
 * success either way.
 */
final class CountWindow implements OutcomeWindow {
    private static final long PRESENT = 1;
    private static final long FAILED = 2;
    private static final long SLOW = 4;
    private static final int FLAG_BITS = 3;
    private static final long FLAG_MASK = (1 << FLAG_BITS) - 1;

    private final RingIndex ring;
    private final TripCondition tripCondition;
    private final AtomicLongArray slots;
    private final AtomicLong nextSequence = new AtomicLong();
    private final AtomicLong totals = new AtomicLong();
    /** The totals of a window full of successes. */
    private final long fullOfSuccesses;
    private final boolean successesTrip;

    CountWindow(int size, TripCondition tripCondition) {
        this.ring = new RingIndex(size);
        this.tripCondition = tripCondition;
        this.slots = new AtomicLongArray(size);
        this.fullOfSuccesses = size * PackedCounts.ONE_CALL;
        this.successesTrip = tripCondition.isMet(size, 0, 0);
    }

    @Override
    public boolean recordAndCheck(boolean failed, boolean slow, long nowNanos) {
        if (!failed && !slow && totals.get() == fullOfSuccesses) {
            return successesTrip;
        }
        long sequence = nextSequence.getAndIncrement();
        long flags = PRESENT | (failed ? FAILED : 0) | (slow ? SLOW : 0);
        long delta = replaceSlot(ring.of(sequence), sequence, flags);
        // An all-success steady state replaces a success with a success: skip the shared write.
        long counts = delta == 0 ? totals.get() : totals.addAndGet(delta);
        return tripCondition.isMet(PackedCounts.calls(counts), PackedCounts.failed(counts), PackedCounts.slow(counts));
    }

    /** Returns how the window's totals change: the new outcome in, the displaced one out. */
    private long replaceSlot(int index, long sequence, long flags) {
        long replacement = sequence << FLAG_BITS | flags;
        while (true) {
            long current = slots.get(index);
            if (current >>> FLAG_BITS > sequence) {
                return 0;
            }
            if (slots.compareAndSet(index, current, replacement)) {
                return asCounts(flags) - asCounts(current & FLAG_MASK);
            }
        }
    }

    private static long asCounts(long flags) {
        if (flags == 0) {
            return 0;
        }
        return PackedCounts.of((flags & FAILED) != 0, (flags & SLOW) != 0);
    }

    @Override
    public WindowCounts counts(long nowNanos) {
        long counts = totals.get();
        return new WindowCounts(PackedCounts.calls(counts), PackedCounts.failed(counts), PackedCounts.slow(counts),
                tripCondition.minimumCalls);
    }
}
