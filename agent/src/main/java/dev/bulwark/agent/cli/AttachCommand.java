package dev.bulwark.agent.cli;

import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.ConfigProblem;
import net.bytebuddy.agent.ByteBuddyAgent;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code attach <pid> [config=...]}: checks the process and the config here first, so that a mistake never
 * reaches the running JVM; then loads the agent into it with Byte Buddy's attach support, passing the config
 * and a report file, and prints the report the agent writes there (what it started or loaded, every method
 * woven). An agent already running there loads the config instead of starting twice.
 */
final class AttachCommand {
    private static final String ERROR = "error: ";
    /** The JDK runs {@code agentmain} before the attach returns; this only covers a report slow to appear on disk. */
    private static final long REPORT_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(10);
    private static final long POLL_MILLIS = 50;

    private final File agentJar;
    private final PrintStream out;

    AttachCommand(File agentJar, PrintStream out) {
        this.agentJar = agentJar;
        this.out = out;
    }

    void attach(String pidArgument, String configPath) {
        long pid = pid(pidArgument);
        String arguments = "";
        if (configPath != null) {
            File config = new File(configPath).getAbsoluteFile();
            validate(config);
            arguments = "config=" + config + ",";
        }
        Path reportDir = createReportDir();
        try {
            Path report = reportDir.resolve("report");
            load(pid, arguments + "report=" + report);
            List<String> lines = awaitReport(pid, report);
            for (String line : lines) {
                if (line.startsWith(ERROR)) {
                    throw new Commands.CommandFailure("JVM " + pid + ": " + line.substring(ERROR.length()));
                }
            }
            lines.forEach(out::println);
        } finally {
            deleteQuietly(reportDir);
        }
    }

    private static long pid(String argument) {
        long pid;
        try {
            pid = Long.parseLong(argument);
        } catch (NumberFormatException e) {
            throw new Commands.CommandFailure(Commands.USAGE, "not a process id: '" + argument + "'; " + Commands.USAGE_LINE);
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new Commands.CommandFailure("no such process: " + pid);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new Commands.CommandFailure("process " + pid + " is this command's own JVM");
        }
        return pid;
    }

    /**
     * Reads the config as the agent will, from the file alone (the target's {@code -Dbulwark.*} properties are
     * not known here), and refuses it at its first problem.
     */
    private static void validate(File config) {
        if (config.getPath().contains(",")) {
            throw new Commands.CommandFailure(Commands.USAGE, "config path " + config
                    + " holds a comma, which separates agent arguments; use a path without one");
        }
        List<ConfigProblem> problems = new ArrayList<>();
        BulwarkConfig.load("config=" + config, AttachCommand.class.getClassLoader(), new Properties(),
                Collections.emptyMap(), problems::add);
        if (!problems.isEmpty()) {
            int more = problems.size() - 1;
            throw new Commands.CommandFailure("config invalid, nothing attached: " + problems.get(0)
                    + (more == 0 ? "" : " (and " + more + " more problem" + (more == 1 ? "" : "s") + ")"));
        }
    }

    private void load(long pid, String arguments) {
        if (!AttachSignal.safeToAttach(pid)) {
            throw new Commands.CommandFailure("process " + pid + " is not a JVM that can be attached to: it does not handle"
                    + " SIGQUIT, the signal an attach starts with, which would end it (a JVM started with -Xrs cannot be"
                    + " attached to either)");
        }
        try {
            ByteBuddyAgent.attach(agentJar, String.valueOf(pid), arguments);
        } catch (RuntimeException e) {
            throw new Commands.CommandFailure("cannot attach to JVM " + pid + ": " + rootCause(e)
                    + " (it must run as this user, on a JDK that allows attach, without -XX:+DisableAttachMechanism)");
        }
    }

    /** The innermost cause that says something: the attach provider wraps what the JDK threw, reflectively. */
    private static String rootCause(Throwable thrown) {
        String reason = String.valueOf(thrown);
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                reason = cause.getClass().getSimpleName() + ": " + cause.getMessage().trim().replace('\n', ' ');
            }
        }
        return reason;
    }

    private static List<String> awaitReport(long pid, Path report) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPORT_WAIT_MILLIS);
        try {
            while (!Files.exists(report)) {
                if (System.nanoTime() - end >= 0) {
                    throw new Commands.CommandFailure("JVM " + pid + " loaded the agent but reported nothing within "
                            + TimeUnit.MILLISECONDS.toSeconds(REPORT_WAIT_MILLIS) + "s; see its standard error");
                }
                Thread.sleep(POLL_MILLIS);
            }
            return Files.readAllLines(report, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Commands.CommandFailure("interrupted while waiting for JVM " + pid + " to report");
        } catch (IOException e) {
            throw new Commands.CommandFailure("cannot read the report of JVM " + pid + ": " + e);
        }
    }

    private static Path createReportDir() {
        try {
            return Files.createTempDirectory("bulwark-attach-");
        } catch (IOException e) {
            throw new Commands.CommandFailure("cannot create a directory for the attach report: " + e);
        }
    }

    private static void deleteQuietly(Path dir) {
        File[] left = dir.toFile().listFiles();
        if (left != null) {
            for (File file : left) {
                file.delete();
            }
        }
        dir.toFile().delete();
    }
}
