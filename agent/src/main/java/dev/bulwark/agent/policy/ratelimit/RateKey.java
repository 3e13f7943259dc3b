package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.agent.policy.expression.Condition;
import dev.bulwark.agent.policy.expression.Path;
import dev.bulwark.agent.policy.expression.Subject;

/**
 * Which value of a call's arguments selects its limiter (the rate limiter's {@code key}): {@code "#N"} is argument N
 * (0-based), {@code "#N.getter"} (or {@code "#N.a.b"}) what no-argument methods of it return, each found under its
 * name, else as a bean property ({@code getX}, {@code isX}): a {@link Path} of the shared expression language.
 */
public final class RateKey {
    private final String text;
    /** What the key is, for messages: "rate limiter key", "circuit breaker key". */
    private final String what;
    private final Path path;

    private RateKey(String text, String what, Path path) {
        this.text = text;
        this.what = what;
        this.path = path;
    }

    /** @throws IllegalArgumentException when {@code key} is not {@code "#N"} or {@code "#N.getter…"} */
    public static RateKey parse(String key) {
        return parse(key, "rate limiter key");
    }

    /**
     * The same syntax selects a keyed breaker's or bulkhead's instance, or a bulkhead's partition.
     *
     * @param what what the key is, for messages: "circuit breaker key"
     */
    public static RateKey parse(String key, String what) {
        String text = key == null ? "" : key.trim();
        try {
            return new RateKey(text, what, Condition.parsePath(text, Subject.ARGUMENTS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + key + "' must be \"#N\" (argument N, from 0)"
                    + " or \"#N.getter\" (a no-argument method of argument N): " + e.getMessage());
        }
    }

    public int argumentIndex() {
        return path.argument();
    }

    /**
     * Checks the key against a method's declared parameters, so a key naming a missing argument or getter is
     * reported when the method is woven rather than on its first call.
     *
     * @throws IllegalArgumentException when the argument or the getter does not exist
     */
    public void checkApplicableTo(Class<?>... parameterTypes) {
        if (path.argument() >= parameterTypes.length) {
            throw new IllegalArgumentException(what + " '" + text + "' names argument " + path.argument()
                    + ", but the method takes " + parameterTypes.length);
        }
        path.checkOn(parameterTypes[path.argument()]);
    }

    /** The key value of a call; {@code null} when the argument (or what a getter returns) is null. */
    public Object extract(Object[] args) {
        if (path.argument() >= args.length) {
            throw new IllegalArgumentException(what + " '" + text + "' names argument " + path.argument()
                    + ", but the call has " + args.length);
        }
        return path.valueOf(null, args);
    }

    @Override
    public String toString() {
        return text;
    }
}
