package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The counts of one name, one per attribute value of its instrument (an outcome, say). A thread counts into a
 * block of cells that only it writes ({@link CellOwners}), made at its first count here: a plain increment, no
 * compare-and-set, no cache line shared with another thread's. A collection sums the blocks; since a block is
 * never reset and goes on from its counts when another thread takes its number over, the sum is exact and a
 * collection concurrent with counts loses none (it sees them, or the next one does).
 */
public final class CounterSeries extends Series {
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs before and after a block's cells, so that no two threads' blocks share a cache line. */
    private static final int PAD = 8;

    private final int width;
    private final AtomicReferenceArray<long[]> blocks = new AtomicReferenceArray<>(CellOwners.OWNED);
    /** For threads beyond {@link CellOwners#OWNED}. */
    private final AtomicLongArray shared;

    CounterSeries(PolicyName name, int width) {
        super(name);
        this.width = width;
        this.shared = new AtomicLongArray(width);
    }

    /** Counts one more for attribute value {@code index}. */
    public void increment(int index) {
        int owner = CellOwners.current();
        if (owner == CellOwners.SHARED) {
            shared.getAndIncrement(index);
            return;
        }
        increment(block(owner), index);
    }

    /** Counts one more into {@code block}, which only the calling thread writes (see {@link #block}). */
    static void increment(long[] block, int index) {
        // Only this thread writes the cell: an opaque write is enough for a collection to read it whole.
        CELLS.setOpaque(block, PAD + index, (long) CELLS.getOpaque(block, PAD + index) + 1);
    }

    /** The block of cells of number {@code owner} ({@link CellOwners}), for the thread holding it to count into. */
    long[] block(int owner) {
        long[] block = blocks.get(owner);
        return block != null ? block : newBlock(owner);
    }

    /** A thread's first count here: its block, or the one an ended thread left under its number. */
    private long[] newBlock(int owner) {
        blocks.compareAndSet(owner, null, new long[PAD + width + PAD]);
        return blocks.get(owner);
    }

    public int width() {
        return width;
    }

    /** The cumulative count of attribute value {@code index}. */
    public long count(int index) {
        long total = shared.get(index);
        for (int owner = 0; owner < CellOwners.OWNED; owner++) {
            long[] block = blocks.get(owner);
            if (block != null) {
                total += (long) CELLS.getOpaque(block, PAD + index);
            }
        }
        return total;
    }

    @Override
    long activity() {
        long total = 0;
        for (int index = 0; index < width; index++) {
            total += count(index);
        }
        return total;
    }
}
