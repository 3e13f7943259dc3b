package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The durations of one site as an explicit-bucket histogram per outcome (success, failure): a count and a sum
 * of nanoseconds per bucket. A collection hands what was recorded since the last one to the SDK's histogram
 * ({@link #drain}).
 *
 * <p>A record adds its count and its nanoseconds to one word with one compare-and-set, the count in the high
 * bits and the sum in the low ones, so that a collection, which takes each word whole and leaves zero in its
 * place, always gets the sum of exactly the records it counts. Two separate counters could not give that: a
 * collection between a record's two writes would see a sum without its count, or a count without its sum, and
 * the difference would end up in the exported sum for good. Words are striped by thread (a stripe per cache
 * line group), and a word is folded into the collection's own totals, under the lock, before either half can
 * overflow; a duration too long to pack at all goes there directly.
 */
public final class DurationSeries extends Series {
    public static final int SUCCESS = 0;
    public static final int FAILURE = 1;
    private static final int OUTCOMES = 2;
    private static final int CELLS = OUTCOMES * DurationBuckets.COUNT;

    private static final int SUM_BITS = 44;
    private static final long SUM_MASK = (1L << SUM_BITS) - 1;
    private static final long ONE_RECORD = 1L << SUM_BITS;
    /** Longer durations (about 4.3 s) are not packed: their records are rare and slow anyway. */
    private static final long MAX_PACKED_NANOS = (1L << 32) - 1;
    /** A word whose sum or count reached half its room is folded before it takes another record. */
    private static final long FOLD_SUM = 1L << (SUM_BITS - 1);
    private static final long FOLD_COUNT = 1L << (Long.SIZE - SUM_BITS - 1);
    /** Longs per stripe: its cells, then a cache line of padding so that two threads' stripes share no line. */
    private static final int STRIDE = CELLS + 8;
    private static final int STRIPES = stripes(Runtime.getRuntime().availableProcessors());

    private final AtomicLongArray words = new AtomicLongArray(STRIPES * STRIDE);
    /** Guarded by this: folded out of the words and not yet handed over, per cell. */
    private final long[] foldedCounts = new long[CELLS];
    private final long[] foldedSums = new long[CELLS];
    /** Guarded by this: how many records collections gave up so far. */
    private long dropped;
    /** Guarded by this: how many records collections took so far. */
    private long drained;

    /** Where {@link #drain} hands the durations over. */
    public interface Sink {
        /** {@code times} durations of {@code seconds} each, with outcome {@link #SUCCESS} or {@link #FAILURE}. */
        void record(int outcome, double seconds, long times);
    }

    DurationSeries(PolicyName name) {
        super(name);
    }

    /** A power of two, twice the processors, at most 16: consecutive thread ids get stripes of their own. */
    static int stripes(int processors) {
        return Math.min(16, Integer.highestOneBit(Math.max(2, processors) * 2 - 1) * 2);
    }

    public void record(long nanos, int outcome) {
        int cell = outcome * DurationBuckets.COUNT + DurationBuckets.of(nanos);
        if (nanos > MAX_PACKED_NANOS) {
            recordUnpacked(cell, nanos);
            return;
        }
        int index = (int) (Thread.currentThread().getId() & (STRIPES - 1)) * STRIDE + cell;
        long add = ONE_RECORD + nanos;
        for (; ; ) {
            long word = words.get(index);
            if ((word & SUM_MASK) >= FOLD_SUM || (word >>> SUM_BITS) >= FOLD_COUNT) {
                fold(index, cell);
            } else if (words.compareAndSet(index, word, word + add)) {
                return;
            }
        }
    }

    private synchronized void recordUnpacked(int cell, long nanos) {
        foldedCounts[cell]++;
        foldedSums[cell] += nanos;
    }

    private synchronized void fold(int index, int cell) {
        long word = words.getAndSet(index, 0);
        foldedCounts[cell] += word >>> SUM_BITS;
        foldedSums[cell] += word & SUM_MASK;
    }

    /** Guarded by this. */
    private void foldAll() {
        for (int stripe = 0; stripe < STRIPES; stripe++) {
            for (int cell = 0; cell < CELLS; cell++) {
                if (words.get(stripe * STRIDE + cell) != 0) {
                    fold(stripe * STRIDE + cell, cell);
                }
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
        foldAll();
        long total = 0;
        for (long count : foldedCounts) {
            total += count;
        }
        for (int cell = 0; cell < CELLS; cell++) {
            long n = foldedCounts[cell];
            if (n == 0) {
                continue;
            }
            long mean = foldedSums[cell] / n;
            long handed = total <= limit ? n : (long) ((double) n * limit / total);
            if (handed > 0) {
                sink.record(cell / DurationBuckets.COUNT, mean / 1e9, handed);
            }
            dropped += n - handed;
            foldedCounts[cell] = 0;
            foldedSums[cell] = 0;
        }
        drained += total;
    }

    /** How many records collections gave up so far, for {@code bulwark.telemetry.dropped}. */
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    synchronized long activity() {
        long total = drained;
        for (long count : foldedCounts) {
            total += count;
        }
        for (int i = 0; i < words.length(); i++) {
            total += words.get(i) >>> SUM_BITS;
        }
        return total;
    }
}
