package dev.bulwark.agent.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

/**
 * Class files the agent jar keeps for loaders other than the agent's own: stored under their own folder as
 * {@code .classdata}, so neither the agent loader nor any application loader finds them by class name.
 */
public final class AgentResources {
    private final ClassLoader agentLoader;
    private final String folder;

    public AgentResources(ClassLoader agentLoader, String folder) {
        this.agentLoader = agentLoader;
        this.folder = folder;
    }

    /** The stored bytes of the class, or null when this folder has no such class. */
    public byte[] classBytes(String className) throws IOException {
        try (InputStream in = agentLoader.getResourceAsStream(entry(className.replace('.', '/')))) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The stored class file behind a {@code .class} resource name, as tools that read class files ask for it. */
    URL classResource(String resourceName) {
        return resourceName.endsWith(".class")
                ? agentLoader.getResource(entry(resourceName.substring(0, resourceName.length() - ".class".length())))
                : null;
    }

    private String entry(String classPath) {
        return folder + classPath + ".classdata";
    }
}
