package dev.bulwark.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * On Linux, HotSpot's attach starts with a SIGQUIT to the target, which then opens its attach socket. A process
 * that does not handle SIGQUIT (not a JVM, or a JVM started with {@code -Xrs}) is ended by it; JDKs before 21
 * send it all the same. So a mistyped pid would kill whatever process has it: checked here, from
 * {@code /proc}, before attaching.
 */
final class AttachSignal {
    /** Bit of signal 3 (SIGQUIT) in the {@code SigCgt} mask of {@code /proc/<pid>/status}. */
    private static final long SIGQUIT = 1L << (3 - 1);

    private AttachSignal() {
    }

    /** False only when it is known that the signal would end the process: it neither catches it nor listens already. */
    static boolean safeToAttach(long pid) {
        Path status = Paths.get("/proc", String.valueOf(pid), "status");
        if (!Files.isReadable(status)) {
            return true;
        }
        return catchesSigquit(status) || Files.exists(Paths.get("/tmp/.java_pid" + pid))
                || Files.exists(Paths.get("/proc", String.valueOf(pid), "root", "tmp", ".java_pid" + pid));
    }

    private static boolean catchesSigquit(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("SigCgt:")) {
                    return (Long.parseUnsignedLong(line.substring("SigCgt:".length()).trim(), 16) & SIGQUIT) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown: the JDK's attach decides, as it would without this check.
        }
        return true;
    }
}
