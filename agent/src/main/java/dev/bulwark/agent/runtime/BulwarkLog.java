package dev.bulwark.agent.runtime;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Bulwark's log: the JDK's own {@code java.util.logging}, on a logger of its own that writes one concise line
 * to standard error, whatever logging the application brings. {@code -Dbulwark.log=debug} shows each woven
 * method; {@code warn} or {@code off} quiet it.
 */
public final class BulwarkLog {
    private static final Logger LOGGER = Logger.getLogger("dev.bulwark");
    private static final Set<String> REPORTED_ONCE = ConcurrentHashMap.newKeySet();

    static {
        LOGGER.setUseParentHandlers(false);
        LOGGER.addHandler(new StandardErrorHandler(System.err));
        LOGGER.setLevel(levelOf(System.getProperty("bulwark.log", "info")));
    }

    private BulwarkLog() {
    }

    static Level levelOf(String name) {
        switch (name.trim().toLowerCase()) {
            case "trace":
                return Level.FINEST;
            case "debug":
                return Level.FINE;
            case "warn":
            case "warning":
                return Level.WARNING;
            case "error":
                return Level.SEVERE;
            case "off":
                return Level.OFF;
            default:
                return Level.INFO;
        }
    }

    public static boolean isDebug() {
        return LOGGER.isLoggable(Level.FINE);
    }

    public static void debug(String message) {
        LOGGER.fine(message);
    }

    public static void info(String message) {
        LOGGER.info(message);
    }

    public static void warn(String message) {
        LOGGER.warning(message);
    }

    public static void error(String message) {
        LOGGER.severe(message);
    }

    public static void error(String message, Throwable cause) {
        LOGGER.log(Level.SEVERE, message, cause);
    }

    /** Logs only the first report of the same key, so a fault on a hot path cannot flood the log. */
    public static void errorOnce(String key, String message, Throwable cause) {
        if (REPORTED_ONCE.add(key)) {
            error(message, cause);
        }
    }

    private static final class StandardErrorHandler extends Handler {
        private final PrintStream out;

        StandardErrorHandler(PrintStream out) {
            this.out = out;
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder("[bulwark] ")
                    .append(label(record.getLevel())).append(' ').append(record.getMessage());
            out.println(line);
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(out);
            }
        }

        private static String label(Level level) {
            if (level.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (level.intValue() >= Level.WARNING.intValue()) {
                return "WARN";
            }
            return level.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
