package dev.bulwark.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;

/**
 * The only agent class the application's loaders see. It starts the agent's own class loader, has it define
 * the classes every application loader shares in the bootstrap loader (the bridge, the public types; see
 * {@code BootstrapClasses}) and hands over to the runtime inside it; nothing references it afterwards.
 */
public final class BulwarkAgent {
    private static final String INSTALLER = "dev.bulwark.agent.runtime.AgentInstaller";
    private static final String BOOTSTRAP_CLASSES = "dev.bulwark.agent.runtime.BootstrapClasses";
    /**
     * The runtime's loader once the agent started: a later attach hands its arguments to the runtime already
     * there, which loads the config they name, rather than starting a second one.
     */
    private static ClassLoader agentLoader;

    private BulwarkAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        try {
            if (agentLoader == null) {
                File agentJar = jarOf(BulwarkAgent.class.getResource(BulwarkAgent.class.getSimpleName() + ".class"));
                ClassLoader loader = new AgentClassLoader(agentJar, ClassLoader.getPlatformClassLoader());
                Class.forName(BOOTSTRAP_CLASSES, true, loader)
                        .getMethod("define", Instrumentation.class, File.class)
                        .invoke(null, instrumentation, agentJar);
                agentLoader = loader;
            }
            Class.forName(INSTALLER, true, agentLoader)
                    .getMethod("install", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, arguments, instrumentation, attached);
        } catch (Throwable thrown) {
            Throwable t = thrown instanceof InvocationTargetException && thrown.getCause() != null
                    ? thrown.getCause() : thrown;
            // An agent that cannot start must never stop the application from starting.
            System.err.println("[bulwark] ERROR the agent could not start; the application runs unprotected: " + t);
            if (t instanceof URISyntaxException || Boolean.getBoolean("bulwark.debug")) {
                t.printStackTrace();
            }
        }
    }

    /** The jar file of a {@code jar:file:...!/entry} URL. */
    private static File jarOf(URL entry) throws IOException, URISyntaxException {
        if (entry == null || !"jar".equals(entry.getProtocol())) {
            throw new IOException("the agent's classes are not in a jar: " + entry);
        }
        return new File(((JarURLConnection) entry.openConnection()).getJarFileURL().toURI());
    }
}
