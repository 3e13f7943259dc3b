package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.policy.NanoClock;

import java.util.function.Consumer;

/** {@code bulwark.call.duration}: a {@link DurationSeries} per site (a method in its class loader). */
public final class Durations {
    private final SeriesMap<DurationSeries> series;

    public Durations(NanoClock clock, long retentionNanos) {
        this.series = new SeriesMap<>(DurationSeries::new, clock, retentionNanos);
    }

    /** The series of {@code site}, for its chain to hold and record into. */
    public DurationSeries resolve(PolicyName site) {
        return series.resolve(site);
    }

    public void collect(Consumer<DurationSeries> visitor) {
        series.collect(visitor);
    }
}
