package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.policy.NanoClock;

import java.util.function.Consumer;

/** {@code bulwark.call.duration}: a {@link DurationSeries} per site. */
public final class Durations {
    private final SeriesMap<DurationSeries> series;

    public Durations(NanoClock clock, long retentionNanos) {
        this.series = new SeriesMap<>(DurationSeries::new, clock, retentionNanos);
    }

    /** On the call path: one map look-up and two increments; a negative duration (not timed) records nothing. */
    public void record(String site, long nanos, boolean failed) {
        if (nanos >= 0) {
            series.get(site).record(nanos, failed ? DurationSeries.FAILURE : DurationSeries.SUCCESS);
        }
    }

    public void collect(Consumer<DurationSeries> visitor) {
        series.collect(visitor);
    }
}
