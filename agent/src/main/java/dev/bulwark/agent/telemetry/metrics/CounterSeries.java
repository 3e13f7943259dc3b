package dev.bulwark.agent.telemetry.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one name, one per attribute value of its instrument (an outcome, say). Each count is a
 * {@link LongAdder}: one uncontended CAS while one thread records, and cells of their own, on separate cache
 * lines, for threads that collide.
 */
public final class CounterSeries extends Series {
    private final LongAdder[] counts;
    /** What the last collection reported, per count. */
    private final long[] exported;

    CounterSeries(String name, int width) {
        super(name);
        counts = new LongAdder[width];
        for (int i = 0; i < width; i++) {
            counts[i] = new LongAdder();
        }
        exported = new long[width];
    }

    /** Counts one more for attribute value {@code index}. */
    public void increment(int index) {
        counts[index].increment();
    }

    void incrementBy(int index, long amount) {
        counts[index].add(amount);
    }

    public int width() {
        return counts.length;
    }

    /** The cumulative count of attribute value {@code index}, now reported. */
    public long export(int index) {
        long value = counts[index].sum();
        exported[index] = value;
        return value;
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
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].sum() != exported[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    void absorb(Series retired) {
        CounterSeries before = (CounterSeries) retired;
        for (int i = 0; i < counts.length; i++) {
            long missed = before.counts[i].sum() - before.exported[i];
            if (missed > 0) {
                counts[i].add(missed);
            }
        }
    }
}
