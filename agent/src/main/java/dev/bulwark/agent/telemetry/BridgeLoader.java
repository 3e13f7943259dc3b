package dev.bulwark.agent.telemetry;

import java.io.IOException;

/**
 * Defines the bridge classes ({@code dev.bulwark.agent.telemetry.otel}) next to one application's
 * {@code opentelemetry-api}: they link against the API classes of that loader, unrelocated, while every other
 * {@code dev.bulwark} type comes from the agent loader, so both sides share {@link Recorder} and the policy
 * types. One per loader that defines {@code io.opentelemetry.api.GlobalOpenTelemetry}.
 */
final class BridgeLoader extends ClassLoader {
    static final String FACTORY = "dev.bulwark.agent.telemetry.otel.OtelRecorderFactory";
    private static final String BRIDGE_PACKAGE = "dev.bulwark.agent.telemetry.otel.";
    private static final String FOLDER = "bridge/";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader agentLoader;
    private final AgentResources bridgeClasses;

    BridgeLoader(ClassLoader apiLoader, ClassLoader agentLoader) {
        super("bulwark-otel-bridge", apiLoader);
        this.agentLoader = agentLoader;
        this.bridgeClasses = new AgentResources(agentLoader, FOLDER);
    }

    RecorderFactory factory() throws ReflectiveOperationException {
        return (RecorderFactory) loadClass(FACTORY).getConstructor().newInstance();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(BRIDGE_PACKAGE)) {
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }
        if (name.startsWith("dev.bulwark.")) {
            return agentLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        try {
            byte[] bytes = bridgeClasses.classBytes(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
