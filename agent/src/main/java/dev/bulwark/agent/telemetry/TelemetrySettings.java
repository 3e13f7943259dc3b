package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.PolicyRegistry;

/** What a recorder needs to know, handed across the bridge loader boundary in one piece. */
public final class TelemetrySettings {
    /** The instrumentation scope of every meter and tracer (docs/telemetry.md). */
    public static final String SCOPE = "dev.bulwark";

    private final boolean metrics;
    private final SpanMode spans;
    private final String version;
    private final PolicyRegistry registry;

    public TelemetrySettings(boolean metrics, SpanMode spans, String version, PolicyRegistry registry) {
        this.metrics = metrics;
        this.spans = spans;
        this.version = version;
        this.registry = registry;
    }

    public boolean metrics() {
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
