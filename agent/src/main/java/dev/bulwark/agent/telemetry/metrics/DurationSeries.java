package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The durations of one site as an explicit-bucket histogram per outcome (success, failure): a count and a sum
 * of nanoseconds per bucket. A collection hands what was recorded since the last one to the SDK's histogram
 * ({@link #drain}).
 *
 * <p>A thread records into a block of words that only it writes ({@link CellOwners}): one word per bucket, its
 * count in the high bits and its sum in the low ones, written whole with a plain (opaque) write, no
 * compare-and-set. A collection reads each word whole, so it always gets the sum of exactly the records it
 * counts; two separate counters could not give that (a collection between a record's two writes would see a sum
 * without its count, and the difference would end up in the exported sum for good). Words are never reset by a
 * collection, which hands over what they gained since the last one; the thread itself folds a word into the
 * series' totals, under the lock that collections take, before either half can overflow. Threads beyond
 * {@link CellOwners#OWNED} share a block of words they update with compare-and-set; a duration too long to pack
 * at all goes to the totals directly.
 */
public final class DurationSeries extends Series {
    public static final int SUCCESS = 0;
    public static final int FAILURE = 1;
    private static final int OUTCOMES = 2;
    private static final int CELLS = OUTCOMES * DurationBuckets.COUNT;

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs before and after a block's words, so that no two threads' blocks share a cache line. */
    private static final int PAD = 8;
    private static final int SUM_BITS = 44;
    private static final long SUM_MASK = (1L << SUM_BITS) - 1;
    private static final long ONE_RECORD = 1L << SUM_BITS;
    /** Longer durations (about 4.3 s) are not packed: their records are rare and slow anyway. */
    private static final long MAX_PACKED_NANOS = (1L << 32) - 1;
    /** A word whose sum or count reached half its room is folded before it takes another record. */
    private static final long FOLD_SUM = 1L << (SUM_BITS - 1);
    private static final long FOLD_COUNT = 1L << (Long.SIZE - SUM_BITS - 1);
    /** The top bit of each half: a half reached {@link #FOLD_SUM} or {@link #FOLD_COUNT} when its bit is set. */
    private static final long FULL_BITS = FOLD_SUM | (FOLD_COUNT << SUM_BITS);

    private final AtomicReferenceArray<long[]> blocks = new AtomicReferenceArray<>(CellOwners.OWNED);
    private final AtomicLongArray shared = new AtomicLongArray(CELLS);
    /** Guarded by this: what was folded out of the words so far, per cell. */
    private final long[] foldedCounts = new long[CELLS];
    private final long[] foldedSums = new long[CELLS];
    /** Guarded by this: what collections took so far (handed over or dropped), per cell. */
    private final long[] takenCounts = new long[CELLS];
    private final long[] takenSums = new long[CELLS];
    /** Guarded by this: how many records collections gave up so far. */
    private long dropped;

    /** Where {@link #drain} hands the durations over. */
    public interface Sink {
        /** {@code times} durations of {@code seconds} each, with outcome {@link #SUCCESS} or {@link #FAILURE}. */
        void record(int outcome, double seconds, long times);
    }

    DurationSeries(PolicyName name) {
        super(name);
    }

    public void record(long nanos, int outcome) {
        int owner = CellOwners.current();
        if (owner == CellOwners.SHARED) {
            int cell = outcome * DurationBuckets.COUNT + DurationBuckets.of(nanos);
            if (nanos > MAX_PACKED_NANOS) {
                recordUnpacked(cell, nanos);
            } else {
                recordShared(cell, ONE_RECORD + nanos);
            }
            return;
        }
        record(block(owner), nanos, outcome);
    }

    /** Records into {@code block}, which only the calling thread writes (see {@link #block}). */
    void record(long[] block, long nanos, int outcome) {
        int cell = outcome * DurationBuckets.COUNT + DurationBuckets.of(nanos);
        if (nanos > MAX_PACKED_NANOS) {
            recordUnpacked(cell, nanos);
            return;
        }
        int index = PAD + cell;
        long word = (long) WORDS.getOpaque(block, index);
        if (full(word)) {
            foldOwn(block, index, cell);
            word = 0;
        }
        WORDS.setOpaque(block, index, word + ONE_RECORD + nanos);
    }

    private static boolean full(long word) {
        return (word & FULL_BITS) != 0;
    }

    /** The block of words of number {@code owner} ({@link CellOwners}), for the thread holding it to record into. */
    long[] block(int owner) {
        long[] block = blocks.get(owner);
        return block != null ? block : newBlock(owner);
    }

    /** A thread's first record here: its block, or the one an ended thread left under its number. */
    private long[] newBlock(int owner) {
        blocks.compareAndSet(owner, null, new long[PAD + CELLS + PAD]);
        return blocks.get(owner);
    }

    private void recordShared(int cell, long add) {
        for (; ; ) {
            long word = shared.get(cell);
            if (full(word)) {
                foldShared(cell);
            } else if (shared.compareAndSet(cell, word, word + add)) {
                return;
            }
        }
    }

    private synchronized void recordUnpacked(int cell, long nanos) {
        foldedCounts[cell]++;
        foldedSums[cell] += nanos;
    }

    /** Called by the block's owner alone, which writes the word again only after this returns. */
    private synchronized void foldOwn(long[] block, int index, int cell) {
        fold(cell, (long) WORDS.getOpaque(block, index));
        WORDS.setOpaque(block, index, 0L);
    }

    private synchronized void foldShared(int cell) {
        fold(cell, shared.getAndSet(cell, 0));
    }

    /** Guarded by this. */
    private void fold(int cell, long word) {
        foldedCounts[cell] += word >>> SUM_BITS;
        foldedSums[cell] += word & SUM_MASK;
    }

    /** Guarded by this: every cell's count and sum so far, each word read once. */
    private void totals(long[] counts, long[] sums) {
        for (int cell = 0; cell < CELLS; cell++) {
            long word = shared.get(cell);
            counts[cell] = foldedCounts[cell] + (word >>> SUM_BITS);
            sums[cell] = foldedSums[cell] + (word & SUM_MASK);
        }
        for (int owner = 0; owner < CellOwners.OWNED; owner++) {
            long[] block = blocks.get(owner);
            if (block == null) {
                continue;
            }
            for (int cell = 0; cell < CELLS; cell++) {
                long word = (long) WORDS.getOpaque(block, PAD + cell);
                counts[cell] += word >>> SUM_BITS;
                sums[cell] += word & SUM_MASK;
            }
        }
    }

    /**
     * Hands over every duration recorded since the last drain, each bucket's as that many records of their mean
     * (which lies in the bucket, so bucket counts come out exact, and the sum to less than a nanosecond per
     * record). At most {@code limit} records are handed over; beyond that each bucket gives up its share, which
     * {@link #dropped} counts.
     */
    public synchronized void drain(long limit, Sink sink) {
        long[] counts = new long[CELLS];
        long[] sums = new long[CELLS];
        totals(counts, sums);
        long total = 0;
        for (int cell = 0; cell < CELLS; cell++) {
            total += counts[cell] - takenCounts[cell];
        }
        for (int cell = 0; cell < CELLS; cell++) {
            long n = counts[cell] - takenCounts[cell];
            if (n == 0) {
                continue;
            }
            long mean = (sums[cell] - takenSums[cell]) / n;
            long handed = total <= limit ? n : (long) ((double) n * limit / total);
            if (handed > 0) {
                sink.record(cell / DurationBuckets.COUNT, mean / 1e9, handed);
            }
            dropped += n - handed;
            takenCounts[cell] = counts[cell];
            takenSums[cell] = sums[cell];
        }
    }

    /** How many records collections gave up so far, for {@code bulwark.telemetry.dropped}. */
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    synchronized long activity() {
        long[] counts = new long[CELLS];
        totals(counts, new long[CELLS]);
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }
}
