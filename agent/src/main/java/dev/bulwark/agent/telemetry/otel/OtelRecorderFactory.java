package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.telemetry.Recorder;
import dev.bulwark.agent.telemetry.RecorderFactory;
import dev.bulwark.agent.telemetry.TelemetrySettings;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

import java.lang.reflect.Field;

/** Created reflectively by the agent in each bridge loader; links against that loader's opentelemetry-api. */
public final class OtelRecorderFactory implements RecorderFactory {
    @Override
    public Recorder create(TelemetrySettings settings, boolean javaAgent) {
        OpenTelemetry openTelemetry = javaAgent ? GlobalOpenTelemetry.get() : registered();
        if (openTelemetry == null) {
            return null;
        }
        String target = javaAgent ? "the OpenTelemetry Java agent's SDK" : "the application's GlobalOpenTelemetry";
        return new OtelRecorder(openTelemetry, settings, target + " (opentelemetry-api in "
                + GlobalOpenTelemetry.class.getClassLoader() + ")");
    }

    /** What the application registered, or null; unlike {@code get()}, never fixes the global to a no-op. */
    private static OpenTelemetry registered() {
        try {
            return GlobalOpenTelemetry.isSet() ? GlobalOpenTelemetry.getOrNoop() : null;
        } catch (NoSuchMethodError olderThan157) {
            return registeredBefore157();
        }
    }

    /**
     * APIs before 1.57 cannot tell whether an instance is set without {@code get()}; their private field can,
     * where the API is not in a named module that refuses the reflective read.
     */
    private static OpenTelemetry registeredBefore157() {
        try {
            Field global = GlobalOpenTelemetry.class.getDeclaredField("globalOpenTelemetry");
            global.setAccessible(true);
            return global.get(null) == null ? null : GlobalOpenTelemetry.get();
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return null;
        }
    }
}
