package dev.bulwark.agent.policy.circuitbreaker;

/**
 * Three counters (calls, failed, slow) in one {@code long}, so a single {@code getAndAdd} updates all
 * three and returns a consistent view of them.
 *
 * <p>Each field is a signed 21-bit value. Signed because concurrent writers apply their deltas in any
 * order, so a field may dip below zero for a moment (a slot's old outcome subtracted before the thread
 * that wrote it has added it); plain unsigned fields would borrow from their neighbour and the decoded
 * counts would be garbage for that moment. The packed value is just the sum of all deltas, so once the
 * writers are done every field is exact again.
 */
final class PackedCounts {
    static final int MAX_COUNT = (1 << 20) - 1;

    private static final int FIELD_BITS = 21;
    private static final int SIGN_EXTEND_SHIFT = Long.SIZE - FIELD_BITS;

    static final long ONE_CALL = 1L;
    static final long ONE_FAILED = 1L << FIELD_BITS;
    static final long ONE_SLOW = 1L << (2 * FIELD_BITS);

    private PackedCounts() {
    }

    static long of(boolean failed, boolean slow) {
        return ONE_CALL + (failed ? ONE_FAILED : 0L) + (slow ? ONE_SLOW : 0L);
    }

    static long calls(long packed) {
        return lowField(packed);
    }

    static long failed(long packed) {
        return lowField(dropLowField(packed));
    }

    static long slow(long packed) {
        return dropLowField(dropLowField(packed));
    }

    private static long lowField(long packed) {
        return (packed << SIGN_EXTEND_SHIFT) >> SIGN_EXTEND_SHIFT;
    }

    private static long dropLowField(long packed) {
        return (packed - lowField(packed)) >> FIELD_BITS;
    }
}
