package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.policy.NanoClock;

import java.util.function.Consumer;

/** One counter instrument: a {@link CounterSeries} per name in its scope, each as wide as the instrument's attribute values. */
public final class Counters {
    private final SeriesMap<CounterSeries> series;

    public Counters(int width, NanoClock clock, long retentionNanos) {
        this.series = new SeriesMap<>(name -> new CounterSeries(name, width), clock, retentionNanos);
    }

    /** The series of {@code name}, for a chain or breaker to hold and record into. */
    public CounterSeries resolve(PolicyName name) {
        return series.resolve(name);
    }

    public void collect(Consumer<CounterSeries> visitor) {
        series.collect(visitor);
    }
}
