package dev.bulwark.agent.policy.circuitbreaker;

import java.math.BigInteger;

/**
 * {@code sequence % size} for one fixed ring size, without a divide instruction: a 64-bit divide was the
 * costliest single step of recording an outcome in a COUNT window (docs/benchmark-history.md).
 * A size that is a power of two is a mask; any other size multiplies by a rounded-up reciprocal, exact for
 * every sequence below {@code 2^}{@value #SEQUENCE_BITS} (Granlund and Montgomery, "Division by Invariant
 * Integers using Multiplication", 1994, theorem 4.2: with {@code 2^l >= size} and an exponent
 * {@code E >= SEQUENCE_BITS + l}, {@code ceil(2^E / size)} is off by less than one unit in the quotient's
 * last place for every such sequence).
 */
final class RingIndex {
    /** Sequences stay below this many bits: the window stores them shifted left by three flag bits. */
    static final int SEQUENCE_BITS = 61;

    private final long size;
    /** {@code size - 1} for a power of two, else -1. */
    private final long mask;
    private final long reciprocal;
    private final int shift;

    RingIndex(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("ring size must be at least 1, was " + size);
        }
        this.size = size;
        if (Integer.bitCount(size) == 1) {
            mask = size - 1;
            reciprocal = 0;
            shift = 0;
        } else {
            int l = Long.SIZE - Long.numberOfLeadingZeros(size - 1L);
            int exponent = Math.max(Long.SIZE, SEQUENCE_BITS + l);
            BigInteger divisor = BigInteger.valueOf(size);
            // Below 2^63 for every size >= 3, so the signed high multiply below sees two non-negative factors.
            reciprocal = BigInteger.ONE.shiftLeft(exponent).add(divisor).subtract(BigInteger.ONE).divide(divisor)
                    .longValueExact();
            shift = exponent - Long.SIZE;
            mask = -1;
        }
    }

    /** The slot of {@code sequence}, for {@code 0 <= sequence < 2^61}. */
    int of(long sequence) {
        if (mask >= 0) {
            return (int) (sequence & mask);
        }
        long quotient = Math.multiplyHigh(sequence, reciprocal) >>> shift;
        return (int) (sequence - quotient * size);
    }
}
