package dev.bulwark.agent.telemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the OpenTelemetry instance to record into: the {@code GlobalOpenTelemetry} of the application's
 * {@code opentelemetry-api} (its context class loader's, the system class loader's, or one already loaded in a
 * loader of the application's classes), or, when the
 * OpenTelemetry Java agent runs and the application has no API of its own, Bulwark's bundled API copy, which
 * that agent bridges to its SDK. Called under the observer's lock.
 */
final class OtelLocator {
    private static final String GLOBAL_OPENTELEMETRY = "io.opentelemetry.api.GlobalOpenTelemetry";
    private static final String API_PACKAGE = "io.opentelemetry.api";
    /** On the bootstrap search path once the OpenTelemetry Java agent has started. */
    private static final String JAVA_AGENT_MARKER = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

    private final ClassLoader agentLoader;
    /**
     * Per copy of the API, kept with its {@code GlobalOpenTelemetry} class: its bridge, so each copy is bridged
     * once, and the recorder made over it, which lives as long as that class and no longer. A map keyed by the
     * API's loader would keep an undeployed application's loader, which the bridge's loader has for its parent,
     * for as long as the agent runs.
     */
    private final ClassValue<Bridge> bridges = new ClassValue<>() {
        @Override
        protected Bridge computeValue(Class<?> globalOpenTelemetry) {
            try {
                return new Bridge(new BridgeLoader(globalOpenTelemetry.getClassLoader(), agentLoader).factory());
            } catch (ReflectiveOperationException e) {
                throw new BridgeFailure(e);
            }
        }
    };
    private ClassLoader bundledApi;

    OtelLocator(ClassLoader agentLoader) {
        this.agentLoader = agentLoader;
    }

    /** {@link #find(TelemetrySettings, ClassLoader, List)} with no loaders of the application's classes. */
    Recorder find(TelemetrySettings settings, ClassLoader contextLoader) throws ReflectiveOperationException {
        return find(settings, contextLoader, List.of());
    }

    /**
     * A recorder over a real OpenTelemetry, or null while there is only a no-op (look again later). The recorder
     * is kept by the {@code GlobalOpenTelemetry} class it records through: a caller holds it weakly, and loses it
     * when that class's application is collected.
     *
     * @param contextLoader      the context class loader of an application thread calling now, or null
     * @param applicationLoaders loaders of the application's classes, which may belong to an application already
     *                           stopped: asked for nothing, only looked at for an API they defined
     */
    Recorder find(TelemetrySettings settings, ClassLoader contextLoader, List<ClassLoader> applicationLoaders)
            throws ReflectiveOperationException {
        boolean javaAgent = javaAgentRunning();
        boolean applicationHasApi = false;
        List<Class<?>> apis = applicationApis(contextLoader);
        for (ClassLoader loader : applicationLoaders) {
            Class<?> api = loadedApi(loader);
            if (api != null && !apis.contains(api)) {
                apis.add(api);
            }
        }
        for (Class<?> api : apis) {
            applicationHasApi = true;
            Recorder recorder = bridge(api).recorder(settings, javaAgent);
            if (recorder != null) {
                return recorder;
            }
        }
        if (javaAgent && !applicationHasApi) {
            if (bundledApi == null) {
                bundledApi = new BundledApiLoader(agentLoader);
            }
            return bridge(Class.forName(GLOBAL_OPENTELEMETRY, false, bundledApi)).recorder(settings, true);
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

    /**
     * The {@code GlobalOpenTelemetry} of the API that {@code loader} or one of its parents defined, without calling
     * any loader's own code: an application server's loader of a stopped application refuses to load a class, and
     * logs each attempt. The loader that defined the API's package has its {@code GlobalOpenTelemetry} loaded once
     * the application used it, and the JVM then answers from its own records.
     */
    private static Class<?> loadedApi(ClassLoader loader) {
        for (ClassLoader candidate = loader; candidate != null; candidate = candidate.getParent()) {
            if (candidate.getDefinedPackage(API_PACKAGE) != null) {
                return api(candidate);
            }
        }
        return null;
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

    private Bridge bridge(Class<?> globalOpenTelemetry) throws ReflectiveOperationException {
        try {
            return bridges.get(globalOpenTelemetry);
        } catch (BridgeFailure e) {
            throw e.getCause();
        }
    }

    /** One copy of the API's bridge, and the recorder it made, once its OpenTelemetry was real. */
    private static final class Bridge {
        private final RecorderFactory factory;
        /** Under the observer's lock, like every look-up. */
        private Recorder recorder;

        Bridge(RecorderFactory factory) {
            this.factory = factory;
        }

        /** The same recorder at every look-up once there is one: its instruments are registered in the SDK once. */
        Recorder recorder(TelemetrySettings settings, boolean javaAgent) {
            if (recorder == null) {
                recorder = factory.create(settings, javaAgent);
            }
            return recorder;
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
