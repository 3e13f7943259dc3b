package dev.bulwark.agent.telemetry;

/**
 * Defines the bridge classes ({@code dev.bulwark.agent.telemetry.otel}) next to one application's
 * {@code opentelemetry-api}: they link against the API classes of that loader, unrelocated, while every other
 * {@code dev.bulwark} type comes from the agent loader, so both sides share {@link Recorder} and the policy
 * types. One per loader that defines {@code io.opentelemetry.api.GlobalOpenTelemetry}.
 */
final class BridgeLoader extends AdapterLoader {
    static final String FACTORY = "dev.bulwark.agent.telemetry.otel.OtelRecorderFactory";

    static {
        registerAsParallelCapable();
    }

    BridgeLoader(ClassLoader apiLoader, ClassLoader agentLoader) {
        super("bulwark-otel-bridge", apiLoader, agentLoader, "dev.bulwark.agent.telemetry.otel.", "bridge/");
    }

    RecorderFactory factory() throws ReflectiveOperationException {
        return (RecorderFactory) loadClass(FACTORY).getConstructor().newInstance();
    }
}
