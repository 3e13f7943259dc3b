package dev.bulwark.agent.policy.adaptive;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts latencies into log-linear buckets: 16 buckets per power of two, so a bucket is at most 1/16 of its
 * values wide, and a percentile read from it is within that of the exact one. Values up to 2^40 ns (about 18
 * minutes) get their own bucket; longer ones share the last. Memory is fixed at construction, and
 * {@link #record} is one atomic increment that allocates nothing.
 *
 * <p>Two windows make it "recent": calls count into the current one, a percentile reads both, and
 * {@link #rotate} clears the older and makes it current. A caller that read the current window just before a
 * rotation counts into the window that just became the older one; that call is then merely older than it was.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 40;
    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB_BUCKETS;
    private static final long MAX_VALUE = (1L << (MAX_EXPONENT + 1)) - 1;

    private final AtomicLongArray[] windows = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
    /** Index of the window calls count into; written only by {@link #rotate}, whose callers take turns. */
    private volatile int current;

    public void record(long latencyNanos) {
        windows[current].getAndIncrement(bucketOf(latencyNanos));
    }

    /**
     * Clears the older window and makes it the current one; {@code both} clears the other too, for data that is
     * entirely out of date. Callers must not rotate concurrently.
     */
    public void rotate(boolean both) {
        int older = 1 - current;
        clear(windows[older]);
        if (both) {
            clear(windows[current]);
        }
        current = older;
    }

    private static void clear(AtomicLongArray window) {
        for (int i = 0; i < BUCKETS; i++) {
            window.set(i, 0L);
        }
    }

    /** Latencies counted in both windows. */
    public long count() {
        long total = 0;
        for (AtomicLongArray window : windows) {
            for (int i = 0; i < BUCKETS; i++) {
                total += window.get(i);
            }
        }
        return total;
    }

    /**
     * The latency that {@code percentile} percent of the counted ones do not exceed, as the upper edge of its
     * bucket (so never below the exact value); -1 when nothing is counted.
     */
    public long percentile(double percentile) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1L, (long) Math.ceil(total * percentile / 100.0));
        // Counts only grow between the two passes (rotations take turns with this), so the rank is reached.
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += windows[0].get(i) + windows[1].get(i);
            if (seen >= rank) {
                return upperEdge(i);
            }
        }
        return upperEdge(BUCKETS - 1);
    }

    static int bucketOf(long value) {
        long v = Math.min(Math.max(value, 0L), MAX_VALUE);
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        return (shift + 1) * SUB_BUCKETS + (int) ((v >>> shift) & (SUB_BUCKETS - 1));
    }

    static long upperEdge(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        long lower = (long) (SUB_BUCKETS + bucket % SUB_BUCKETS) << shift;
        return lower + (1L << shift) - 1;
    }
}
