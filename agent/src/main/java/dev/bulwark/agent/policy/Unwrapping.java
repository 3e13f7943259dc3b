package dev.bulwark.agent.policy;

import java.util.Arrays;
import java.util.List;

/**
 * The wrappers ({@code bulwark.unwrap}) that every exception matcher looks through: a {@code CompletionException}
 * around an {@code IOException} is judged as the {@code IOException}. Only the judging sees through them; the
 * caller still receives the exception as thrown.
 */
public final class Unwrapping {
    /** The usual wrappers ({@code bulwark.unwrap} in docs/configuration.md), unwrapped unless the config names others. */
    public static final List<String> DEFAULT_WRAPPERS = Arrays.asList(
            "java.util.concurrent.CompletionException",
            "java.util.concurrent.ExecutionException",
            "java.lang.reflect.UndeclaredThrowableException",
            "java.lang.reflect.InvocationTargetException");
    /** A cause chain this deep is a cycle or a bug; the judging stops at it rather than walk forever. */
    private static final int MAX_DEPTH = 32;

    private static final Unwrapping DEFAULT = new Unwrapping(ExceptionMatcher.of(DEFAULT_WRAPPERS));

    private final ExceptionMatcher wrappers;

    private Unwrapping(ExceptionMatcher wrappers) {
        this.wrappers = wrappers;
    }

    /** Unwraps the named classes and their subclasses; an empty list unwraps nothing. */
    public static Unwrapping of(List<String> wrapperNames) {
        return wrapperNames.equals(DEFAULT_WRAPPERS) ? DEFAULT : new Unwrapping(ExceptionMatcher.of(wrapperNames));
    }

    public static Unwrapping defaults() {
        return DEFAULT;
    }

    /** The first exception in {@code thrown}'s cause chain that is not a wrapper; a wrapper without a cause is itself. */
    public Throwable judged(Throwable thrown) {
        Throwable judged = thrown;
        for (int depth = 0; depth < MAX_DEPTH && wrappers.matches(judged.getClass()); depth++) {
            Throwable cause = judged.getCause();
            if (cause == null || cause == judged) {
                break;
            }
            judged = cause;
        }
        return judged;
    }

    /** The type the matchers judge {@code thrown} by, or null for null. */
    public Class<? extends Throwable> judgedType(Throwable thrown) {
        return thrown == null ? null : judged(thrown).getClass();
    }

    public List<String> wrapperNames() {
        return wrappers.typeNames();
    }
}
