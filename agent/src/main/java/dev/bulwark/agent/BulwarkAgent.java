package dev.bulwark.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * The only agent class the system class loader sees. It puts the bridge on the bootstrap search path,
 * starts the agent's own class loader and hands over to the runtime inside it; nothing references it
 * afterwards.
 */
public final class BulwarkAgent {
    private static final String INSTALLER = "dev.bulwark.agent.runtime.AgentInstaller";

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
            File agentJar = new File(BulwarkAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(agentJar));
            ClassLoader agentLoader = new AgentClassLoader(agentJar, ClassLoader.getPlatformClassLoader());
            Class.forName(INSTALLER, true, agentLoader)
                    .getMethod("install", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, arguments, instrumentation, attached);
        } catch (Throwable t) {
            // An agent that cannot start must never stop the application from starting.
            System.err.println("[bulwark] ERROR the agent could not start; the application runs unprotected: " + t);
            if (t instanceof URISyntaxException || Boolean.getBoolean("bulwark.debug")) {
                t.printStackTrace();
            }
        }
    }
}
