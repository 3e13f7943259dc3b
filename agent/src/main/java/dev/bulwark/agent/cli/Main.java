package dev.bulwark.agent.cli;

import dev.bulwark.agent.AgentClassLoader;

import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;

/**
 * The agent jar's {@code Main-Class}: {@code java -jar bulwark-agent.jar attach <pid> [config=...]} or
 * {@code list}. It runs {@link Commands} in the agent's own class loader, where the relocated Byte Buddy and
 * Typesafe Config are, with the system loader as parent for the JDK's attach API; nothing of the agent
 * starts in this JVM.
 */
public final class Main {
    private static final String COMMANDS = "dev.bulwark.agent.cli.Commands";
    private static final int FAILED = 1;

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            File jar = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            ClassLoader runtime = new AgentClassLoader(jar, ClassLoader.getSystemClassLoader());
            status = (Integer) Class.forName(COMMANDS, true, runtime)
                    .getMethod("run", File.class, String[].class, PrintStream.class, PrintStream.class)
                    .invoke(null, jar, args, System.out, System.err);
        } catch (InvocationTargetException e) {
            System.err.println("bulwark: " + e.getCause());
            status = FAILED;
        } catch (Exception | LinkageError e) {
            System.err.println("bulwark: cannot start the command (run it as java -jar bulwark-agent.jar): " + e);
            status = FAILED;
        }
        System.exit(status);
    }
}
