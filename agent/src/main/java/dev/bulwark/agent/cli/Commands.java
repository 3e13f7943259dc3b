package dev.bulwark.agent.cli;

import java.io.File;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The command line of the agent jar. Exit status 0 on success; 1 when the command failed, 2 when it was called
 * wrongly; either way with one line on standard error saying why.
 */
public final class Commands {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final String USAGE_LINE = "usage: java -jar bulwark-agent.jar attach <pid> [config=/path/bulwark.conf] | list";

    private Commands() {
    }

    /** @param agentJar the jar to load into the JVM attached to: this command's own */
    public static int run(File agentJar, String[] args, PrintStream out, PrintStream err) {
        try {
            return dispatch(agentJar, args, out);
        } catch (CommandFailure failure) {
            err.println("bulwark: " + failure.getMessage());
            return failure.status;
        }
    }

    private static int dispatch(File agentJar, String[] args, PrintStream out) {
        if (args.length == 1 && args[0].equals("list")) {
            requireAttachApi();
            LocalJvms.list(out);
            return OK;
        }
        if (args.length >= 2 && args.length <= 3 && args[0].equals("attach")) {
            String config = args.length == 3 ? configPath(args[2]) : null;
            requireAttachApi();
            new AttachCommand(agentJar, out).attach(args[1], config);
            return OK;
        }
        throw new CommandFailure(USAGE, (args.length == 0 ? "no command" : "cannot read " + Arrays.toString(args))
                + "; " + USAGE_LINE);
    }

    /** A runtime image without {@code jdk.attach} (a JRE, a jlink image) can neither list nor attach. */
    private static void requireAttachApi() {
        if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
            throw new CommandFailure("this Java runtime has no attach API (module jdk.attach); run the command with a JDK's java");
        }
    }

    private static String configPath(String argument) {
        if (!argument.startsWith("config=") || argument.length() == "config=".length()) {
            throw new CommandFailure(USAGE, "expected config=/path/bulwark.conf, found '" + argument + "'; " + USAGE_LINE);
        }
        return argument.substring("config=".length());
    }

    /** Ends the command with its one-line reason. */
    static final class CommandFailure extends RuntimeException {
        final int status;

        CommandFailure(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        CommandFailure(String reason) {
            this(FAILED, reason);
        }
    }
}
