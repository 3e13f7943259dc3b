package dev.bulwark.agent.policy.retry;

import dev.bulwark.agent.policy.expression.Condition;
import dev.bulwark.agent.policy.expression.Path;
import dev.bulwark.agent.policy.expression.Subject;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.time.Duration;

/**
 * The retry's {@code delayFrom}: {@code "#exception.getter"} (or a longer chain, {@code "#exception.a.b"}) reads
 * the next delay from the failure, as a {@link Duration} or a number of milliseconds; anything else, zero or
 * negative leaves the backoff's delay. Parsed once, when the site's chain is built, into a {@link Path} of the
 * shared expression language.
 */
public final class DelayFrom {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final String text;
    private final Path getters;

    private DelayFrom(String text, Path getters) {
        this.text = text;
        this.getters = getters;
    }

    /** Whether {@code text} is empty (no delay-from) or {@code "#exception.getter…"}. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @return null for {@code ""}
     * @throws IllegalArgumentException when {@code text} is not {@code "#exception.getter…"}
     */
    public static DelayFrom parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        Path path;
        try {
            path = Condition.parsePath(text, Subject.EXCEPTION);
        } catch (IllegalArgumentException e) {
            path = null;
        }
        if (path == null || path.getters().isEmpty()) {
            throw new IllegalArgumentException("retry delay-from '" + text + "' must be \"#exception.getter\"");
        }
        return new DelayFrom(text, path);
    }

    /**
     * The delay {@code failure} asks for, in nanoseconds; 0 when it asks for none. An exception without the getter
     * (or whose getter throws) asks for none: the log says so once per class, since a typo would look the same.
     */
    public long delayNanos(Throwable failure) {
        Object value;
        try {
            value = getters.valueOf(failure, null);
        } catch (RuntimeException e) {
            BulwarkLog.warnOnce("delay-from " + text + " " + failure.getClass().getName(), "retry delay-from '" + text
                    + "' gives no delay for " + failure.getClass().getName() + ": " + e.getMessage()
                    + "; the backoff's delay applies");
            return 0L;
        }
        return nanosOf(value);
    }

    static long nanosOf(Object value) {
        if (value instanceof Duration) {
            Duration duration = (Duration) value;
            if (duration.isNegative() || duration.isZero()) {
                return 0L;
            }
            return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
        }
        if (value instanceof Number) {
            double millis = ((Number) value).doubleValue();
            if (!(millis > 0)) {
                return 0L;
            }
            return millis >= Long.MAX_VALUE / (double) NANOS_PER_MILLI ? Long.MAX_VALUE : (long) (millis * NANOS_PER_MILLI);
        }
        return 0L;
    }

    @Override
    public String toString() {
        return text;
    }
}
