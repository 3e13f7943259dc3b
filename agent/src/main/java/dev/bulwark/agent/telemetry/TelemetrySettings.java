package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;

/** What a recorder needs to know, handed across the bridge loader boundary in one piece. */
public final class TelemetrySettings {
    /** The instrumentation scope of every meter and tracer (docs/telemetry.md). */
    public static final String SCOPE = "dev.bulwark";

    private final BulwarkMetrics metrics;
    private final SpanMode spans;
    private final String version;
    private final PolicyRegistry registry;

    public TelemetrySettings(BulwarkMetrics metrics, SpanMode spans, String version, PolicyRegistry registry) {
        this.metrics = metrics;
        this.spans = spans;
        this.version = version;
        this.registry = registry;
    }

    /** The counts the SDK's instruments read; null with metrics off. */
    public BulwarkMetrics metrics() {
        return metrics;
    }

    public SpanMode spans() {
        return spans;
    }

    public String version() {
        return version;
    }

    /** The breakers and bulkheads the state gauges read; null before the installer hands it over. */
    public PolicyRegistry registry() {
        return registry;
    }
}
