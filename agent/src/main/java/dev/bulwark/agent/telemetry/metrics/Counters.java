package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.policy.NanoClock;

import java.util.function.Consumer;

/** One counter instrument: a {@link CounterSeries} per name, each as wide as the instrument's attribute values. */
public final class Counters {
    private final SeriesMap<CounterSeries> series;

    public Counters(int width, NanoClock clock, long retentionNanos) {
        this.series = new SeriesMap<>(name -> new CounterSeries(name, width), clock, retentionNanos);
    }

    /** On the call path: one map look-up and one increment. */
    public void increment(String name, int index) {
        series.get(name).increment(index);
    }

    public void add(String name, int index, long amount) {
        if (amount > 0) {
            series.get(name).incrementBy(index, amount);
        }
    }

    public void collect(Consumer<CounterSeries> visitor) {
        series.collect(visitor);
    }
}
