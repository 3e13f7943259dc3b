package dev.bulwark.agent.runtime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bulwark's log: one concise line per message on standard error, whatever logging the application brings.
 * {@code -Dbulwark.log=debug} shows each woven method; {@code warn}, {@code error} or {@code off} quiet it.
 *
 * <p>Deliberately not {@code java.util.logging}: its first use builds the JVM's one {@code LogManager}, and
 * doing that in {@code premain} fixed it before the application could name its own with
 * {@code java.util.logging.manager} (application servers such as WildFly do, when they start).
 */
public final class BulwarkLog {
    enum Level {
        DEBUG, INFO, WARN, ERROR, OFF
    }

    private static final Set<String> REPORTED_ONCE = ConcurrentHashMap.newKeySet();
    private static final Level THRESHOLD = levelOf(System.getProperty("bulwark.log", "info"));
    /** The lines this thread logs while it records them, level first, or null. */
    private static final ThreadLocal<List<String>> RECORDED = new ThreadLocal<>();
    /** Whether this thread's lines are left out, having been {@link #replay replayed} already. */
    private static final ThreadLocal<Boolean> MUTED = new ThreadLocal<>();
    /** Standard error as the JVM started, even if the application later redirects {@code System.err}. */
    private static final PrintStream OUT = System.err;

    private BulwarkLog() {
    }

    static Level levelOf(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "trace":
            case "debug":
                return Level.DEBUG;
            case "warn":
            case "warning":
                return Level.WARN;
            case "error":
                return Level.ERROR;
            case "off":
                return Level.OFF;
            default:
                return Level.INFO;
        }
    }

    public static boolean isDebug() {
        return THRESHOLD == Level.DEBUG;
    }

    public static void debug(String message) {
        log(Level.DEBUG, message, null);
    }

    public static void info(String message) {
        log(Level.INFO, message, null);
    }

    public static void warn(String message) {
        log(Level.WARN, message, null);
    }

    public static void error(String message) {
        log(Level.ERROR, message, null);
    }

    public static void error(String message, Throwable cause) {
        log(Level.ERROR, message, cause);
    }

    /** Logs only the first report of the same key, so a fault on a hot path cannot flood the log. */
    public static void errorOnce(String key, String message, Throwable cause) {
        if (REPORTED_ONCE.add(key)) {
            error(message, cause);
        }
    }

    /** Like {@link #errorOnce}, for what may be the application's intent rather than a fault. */
    public static void warnOnce(String key, String message) {
        if (REPORTED_ONCE.add(key)) {
            warn(message);
        }
    }

    /**
     * Starts recording what this thread logs, until {@link #stopRecording}: what weaving a class reports, kept
     * with it in the cache of woven classes and replayed when a later start defines the class from there.
     *
     * @return the recording this one interrupts (a class loaded while another is woven), for {@link #stopRecording}
     */
    public static List<String> startRecording() {
        List<String> interrupted = RECORDED.get();
        RECORDED.set(new ArrayList<>());
        return interrupted;
    }

    /** The lines recorded since {@link #startRecording}, which goes on with {@code interrupted}. */
    public static List<String> stopRecording(List<String> interrupted) {
        List<String> recorded = RECORDED.get();
        if (interrupted == null) {
            RECORDED.remove();
        } else {
            RECORDED.set(interrupted);
        }
        return recorded == null ? List.of() : recorded;
    }

    /** Logs a recorded line again, once per JVM like every line of a class that is loaded once. */
    public static void replay(String recorded) {
        int space = recorded.indexOf(' ');
        if (space > 0 && REPORTED_ONCE.add("replayed " + recorded)) {
            log(Level.valueOf(recorded.substring(0, space)), recorded.substring(space + 1), null);
        }
    }

    /** Runs {@code action} without logging what it reports: it was replayed already. */
    public static void muted(Runnable action) {
        Boolean outer = MUTED.get();
        MUTED.set(Boolean.TRUE);
        try {
            action.run();
        } finally {
            if (outer == null) {
                MUTED.remove();
            } else {
                MUTED.set(outer);
            }
        }
    }

    private static void log(Level level, String message, Throwable cause) {
        if (MUTED.get() != null) {
            return;
        }
        List<String> recording = RECORDED.get();
        if (recording != null && level.compareTo(Level.INFO) > 0) {
            recording.add(level + " " + message);
        }
        if (level.compareTo(THRESHOLD) >= 0) {
            write(OUT, level, message, cause);
        }
    }

    static void write(PrintStream out, Level level, String message, Throwable cause) {
        String line = "[bulwark] " + level + ' ' + message;
        // One lock for the line and its stack trace, so that concurrent reports do not interleave.
        synchronized (out) {
            out.println(line);
            if (cause != null) {
                cause.printStackTrace(out);
            }
        }
    }
}
