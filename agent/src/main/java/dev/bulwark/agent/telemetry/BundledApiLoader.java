package dev.bulwark.agent.telemetry;

import java.io.IOException;
import java.net.URL;

/**
 * Bulwark's own, unrelocated copy of {@code opentelemetry-api} and {@code opentelemetry-context}, for an
 * application that has none while the OpenTelemetry Java agent runs. That agent bridges the
 * {@code GlobalOpenTelemetry} of every class loader it does not ignore to its own SDK, this one included; it
 * checks the API's class files before it does ("muzzle"), so this loader also serves them as resources.
 */
final class BundledApiLoader extends ClassLoader {
    private static final String FOLDER = "otel-api/";

    static {
        registerAsParallelCapable();
    }

    private final AgentResources apiClasses;

    BundledApiLoader(ClassLoader agentLoader) {
        super("bulwark-otel-api", ClassLoader.getPlatformClassLoader());
        this.apiClasses = new AgentResources(agentLoader, FOLDER);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (!name.startsWith("io.opentelemetry.")) {
            throw new ClassNotFoundException(name);
        }
        try {
            byte[] bytes = apiClasses.classBytes(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    @Override
    protected URL findResource(String name) {
        return name.startsWith("io/opentelemetry/") ? apiClasses.classResource(name) : null;
    }
}
