package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one name, one per attribute value of its instrument (an outcome, say). Each count is a
 * {@link LongAdder}: one uncontended CAS while one thread records, and cells of their own, on separate cache
 * lines, for threads that collide.
 */
public final class CounterSeries extends Series {
    private final LongAdder[] counts;

    CounterSeries(PolicyName name, int width) {
        super(name);
        counts = new LongAdder[width];
        for (int i = 0; i < width; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Counts one more for attribute value {@code index}. */
    public void increment(int index) {
        counts[index].increment();
    }

    public int width() {
        return counts.length;
    }

    /** The cumulative count of attribute value {@code index}. */
    public long count(int index) {
        return counts[index].sum();
    }

    @Override
    long activity() {
        long total = 0;
        for (LongAdder count : counts) {
            total += count.sum();
        }
        return total;
    }
}
