package dev.bulwark.agent.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the OpenTelemetry instance to record into: the {@code GlobalOpenTelemetry} of the application's
 * {@code opentelemetry-api} (its context class loader's, else the system class loader's), or, when the
 * OpenTelemetry Java agent runs and the application has no API of its own, Bulwark's bundled API copy, which
 * that agent bridges to its SDK. Called under the observer's lock.
 */
final class OtelLocator {
    private static final String GLOBAL_OPENTELEMETRY = "io.opentelemetry.api.GlobalOpenTelemetry";
    /** On the bootstrap search path once the OpenTelemetry Java agent has started. */
    private static final String JAVA_AGENT_MARKER = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

    private final ClassLoader agentLoader;
    /** Per loader that defines the API: its bridge, so each API copy is bridged once. */
    private final Map<ClassLoader, RecorderFactory> factories = new HashMap<>();
    private ClassLoader bundledApi;

    OtelLocator(ClassLoader agentLoader) {
        this.agentLoader = agentLoader;
    }

    /**
     * A recorder over a real OpenTelemetry, or null while there is only a no-op (look again later).
     *
     * @param contextLoader the context class loader of an application thread, or null
     */
    Recorder find(TelemetrySettings settings, ClassLoader contextLoader) throws ReflectiveOperationException {
        boolean javaAgent = javaAgentRunning();
        boolean applicationHasApi = false;
        for (ClassLoader apiLoader : applicationApiLoaders(contextLoader)) {
            applicationHasApi = true;
            Recorder recorder = factory(apiLoader).create(settings, javaAgent);
            if (recorder != null) {
                return recorder;
            }
        }
        if (javaAgent && !applicationHasApi) {
            if (bundledApi == null) {
                bundledApi = new BundledApiLoader(agentLoader);
            }
            return factory(bundledApi).create(settings, true);
        }
        return null;
    }

    private static boolean javaAgentRunning() {
        try {
            Class.forName(JAVA_AGENT_MARKER, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The loaders that define the API for the application, without initializing it. */
    private static List<ClassLoader> applicationApiLoaders(ClassLoader contextLoader) {
        List<ClassLoader> loaders = new ArrayList<>(2);
        for (ClassLoader candidate : new ClassLoader[]{contextLoader, ClassLoader.getSystemClassLoader()}) {
            ClassLoader definer = apiDefiner(candidate);
            if (definer != null && !loaders.contains(definer)) {
                loaders.add(definer);
            }
        }
        return loaders;
    }

    private static ClassLoader apiDefiner(ClassLoader candidate) {
        if (candidate == null) {
            return null;
        }
        try {
            return Class.forName(GLOBAL_OPENTELEMETRY, false, candidate).getClassLoader();
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private RecorderFactory factory(ClassLoader apiLoader) throws ReflectiveOperationException {
        RecorderFactory factory = factories.get(apiLoader);
        if (factory == null) {
            factory = new BridgeLoader(apiLoader, agentLoader).factory();
            factories.put(apiLoader, factory);
        }
        return factory;
    }
}
