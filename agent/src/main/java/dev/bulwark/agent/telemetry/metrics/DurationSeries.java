package dev.bulwark.agent.telemetry.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The durations of one site as an explicit-bucket histogram per outcome (success, failure): a count and a sum
 * of nanoseconds per bucket, both striped. A collection hands what was recorded since the last one to the
 * SDK's histogram ({@link #drain}).
 */
public final class DurationSeries extends Series {
    public static final int SUCCESS = 0;
    public static final int FAILURE = 1;
    private static final int OUTCOMES = 2;

    private final LongAdder[] counts = adders();
    private final LongAdder[] sums = adders();
    /** Guarded by the collection: what was handed over (or dropped) so far, per cell. */
    private final long[] exportedCounts = new long[OUTCOMES * DurationBuckets.COUNT];
    private final long[] exportedSums = new long[OUTCOMES * DurationBuckets.COUNT];

    /** Where {@link #drain} hands the durations over. */
    public interface Sink {
        /** {@code times} durations of {@code seconds} each, with outcome {@link #SUCCESS} or {@link #FAILURE}. */
        void record(int outcome, double seconds, long times);
    }

    DurationSeries(String name) {
        super(name);
    }

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[OUTCOMES * DurationBuckets.COUNT];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** The sum first: a collection reads the counts first, so it never sees a count without its duration. */
    void record(long nanos, int outcome) {
        int cell = outcome * DurationBuckets.COUNT + DurationBuckets.of(nanos);
        sums[cell].add(nanos);
        counts[cell].increment();
    }

    /**
     * Hands over every duration recorded since the last drain, each bucket's as that many records of their mean
     * (which lies in the bucket, so bucket counts and the sum come out exact, to a nanosecond per record). At most
     * {@code limit} records are handed over; beyond that each bucket gives up its share, and the number given up
     * is returned.
     */
    public long drain(long limit, Sink sink) {
        long[] pending = new long[counts.length];
        long total = 0;
        for (int cell = 0; cell < counts.length; cell++) {
            pending[cell] = counts[cell].sum() - exportedCounts[cell];
            total += pending[cell];
        }
        long dropped = 0;
        for (int cell = 0; cell < counts.length; cell++) {
            long n = pending[cell];
            if (n <= 0) {
                continue;
            }
            int bucket = cell % DurationBuckets.COUNT;
            long mean = Math.max(DurationBuckets.lowest(bucket),
                    Math.min(DurationBuckets.highest(bucket), (sums[cell].sum() - exportedSums[cell]) / n));
            long handed = total <= limit ? n : (long) ((double) n * limit / total);
            if (handed > 0) {
                sink.record(cell / DurationBuckets.COUNT, mean / 1e9, handed);
            }
            dropped += n - handed;
            exportedCounts[cell] += n;
            exportedSums[cell] += mean * n;
        }
        return dropped;
    }

    @Override
    long activity() {
        long total = 0;
        for (LongAdder count : counts) {
            total += count.sum();
        }
        return total;
    }

    @Override
    boolean hasUnexported() {
        for (int cell = 0; cell < counts.length; cell++) {
            if (counts[cell].sum() != exportedCounts[cell]) {
                return true;
            }
        }
        return false;
    }

    @Override
    void absorb(Series retired) {
        DurationSeries before = (DurationSeries) retired;
        for (int cell = 0; cell < counts.length; cell++) {
            long missed = before.counts[cell].sum() - before.exportedCounts[cell];
            if (missed > 0) {
                sums[cell].add(before.sums[cell].sum() - before.exportedSums[cell]);
                counts[cell].add(missed);
            }
        }
    }
}
