package dev.bulwark.agent.telemetry;

import java.util.ArrayList;
import java.util.List;

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
    /**
     * Per copy of the API, kept with its {@code GlobalOpenTelemetry} class: its bridge, so each copy is bridged
     * once. A map keyed by the API's loader would keep an undeployed application's loader, which the bridge's
     * loader has for its parent, for as long as the agent runs.
     */
    private final ClassValue<RecorderFactory> factories = new ClassValue<>() {
        @Override
        protected RecorderFactory computeValue(Class<?> globalOpenTelemetry) {
            try {
                return new BridgeLoader(globalOpenTelemetry.getClassLoader(), agentLoader).factory();
            } catch (ReflectiveOperationException e) {
                throw new BridgeFailure(e);
            }
        }
    };
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
        for (Class<?> api : applicationApis(contextLoader)) {
            applicationHasApi = true;
            Recorder recorder = factory(api).create(settings, javaAgent);
            if (recorder != null) {
                return recorder;
            }
        }
        if (javaAgent && !applicationHasApi) {
            if (bundledApi == null) {
                bundledApi = new BundledApiLoader(agentLoader);
            }
            return factory(Class.forName(GLOBAL_OPENTELEMETRY, false, bundledApi)).create(settings, true);
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

    /** The application's {@code GlobalOpenTelemetry} classes, one per copy of the API, without initializing them. */
    private static List<Class<?>> applicationApis(ClassLoader contextLoader) {
        List<Class<?>> apis = new ArrayList<>(2);
        for (ClassLoader candidate : new ClassLoader[]{contextLoader, ClassLoader.getSystemClassLoader()}) {
            Class<?> api = api(candidate);
            if (api != null && !apis.contains(api)) {
                apis.add(api);
            }
        }
        return apis;
    }

    private static Class<?> api(ClassLoader candidate) {
        if (candidate == null) {
            return null;
        }
        try {
            return Class.forName(GLOBAL_OPENTELEMETRY, false, candidate);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private RecorderFactory factory(Class<?> globalOpenTelemetry) throws ReflectiveOperationException {
        try {
            return factories.get(globalOpenTelemetry);
        } catch (BridgeFailure e) {
            throw e.getCause();
        }
    }

    /** Carries a bridge that could not be made out of {@link ClassValue#computeValue}, which throws no checked exception. */
    private static final class BridgeFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BridgeFailure(ReflectiveOperationException cause) {
            super(cause);
        }

        @Override
        public synchronized ReflectiveOperationException getCause() {
            return (ReflectiveOperationException) super.getCause();
        }
    }
}
