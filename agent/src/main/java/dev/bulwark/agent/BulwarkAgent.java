package dev.bulwark.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Collections;
import java.util.jar.JarFile;

/**
 * The only agent class the application's loaders see. It makes sure the bridge is on the bootstrap search
 * path, starts the agent's own class loader and hands over to the runtime inside it; nothing references it
 * afterwards.
 *
 * <p>The manifest's {@code Boot-Class-Path} names the jar as built, {@code bulwark-agent.jar}, so the JVM puts
 * it on the bootstrap path while it starts, and this class is then loaded from there. Appending to that path
 * later, at run time, turns class data sharing off for every class not loaded by the bootstrap loader and
 * makes the JVM print a warning on every start; that is left to a renamed jar, which the manifest cannot name.
 */
public final class BulwarkAgent {
    private static final String INSTALLER = "dev.bulwark.agent.runtime.AgentInstaller";
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
                agentLoader = new AgentClassLoader(bridgedJar(instrumentation), ClassLoader.getPlatformClassLoader());
            }
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

    /** The agent jar, on the bootstrap search path. */
    private static File bridgedJar(Instrumentation instrumentation) throws IOException, URISyntaxException {
        if (BulwarkAgent.class.getClassLoader() == null) {
            File agentJar = jarOnBootstrapPath();
            warnIfAnotherJarWasAsked(agentJar);
            return agentJar;
        }
        File agentJar = new File(BulwarkAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(agentJar));
        return agentJar;
    }

    private static File jarOnBootstrapPath() throws IOException, URISyntaxException {
        URL self = BulwarkAgent.class.getResource(BulwarkAgent.class.getSimpleName() + ".class");
        if (self == null || !"jar".equals(self.getProtocol())) {
            throw new IOException("the agent's classes are on the bootstrap path, but not in a jar: " + self);
        }
        return jarOf(self);
    }

    /**
     * A jar started as {@code -javaagent:other.jar} with a {@code bulwark-agent.jar} beside it runs that one,
     * which its manifest put on the bootstrap path: said once, since the two may be different versions.
     */
    private static void warnIfAnotherJarWasAsked(File running) throws IOException, URISyntaxException {
        String resource = BulwarkAgent.class.getName().replace('.', '/') + ".class";
        for (URL found : Collections.list(ClassLoader.getSystemClassLoader().getResources(resource))) {
            if ("jar".equals(found.getProtocol())) {
                File jar = jarOf(found);
                if (!jar.getCanonicalFile().equals(running.getCanonicalFile())) {
                    System.err.println("[bulwark] WARN " + running + " runs in place of " + jar
                            + ": the manifest of " + jar.getName() + " names it (Boot-Class-Path); rename one of them");
                }
            }
        }
    }

    /** The jar file of a {@code jar:file:...!/entry} URL. */
    private static File jarOf(URL entry) throws IOException, URISyntaxException {
        return new File(((JarURLConnection) entry.openConnection()).getJarFileURL().toURI());
    }
}
