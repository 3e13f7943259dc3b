package dev.bulwark.agent.telemetry;

/** The entry point of the bridge classes in a {@link BridgeLoader}; instantiated reflectively, once per loader. */
public interface RecorderFactory {
    /**
     * A recorder over the {@code GlobalOpenTelemetry} this loader's API holds, or null while that is only a
     * no-op. With {@code javaAgent}, the OpenTelemetry Java agent bridges {@code GlobalOpenTelemetry.get()} to its
     * own SDK, so it may be called; otherwise only what the application already registered is taken, because
     * an early {@code get()} would freeze the global to a no-op before the application's {@code set()}.
     */
    Recorder create(TelemetrySettings settings, boolean javaAgent);
}
