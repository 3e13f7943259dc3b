package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.agent.policy.GetterChain;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which value of a call's arguments selects its limiter (the rate limiter's {@code key}): {@code "#N"} is argument N
 * (0-based), {@code "#N.getter"} the result of a no-argument method of it, found under that name, else as a bean
 * property ({@code getX}, {@code isX}): a {@link GetterChain} of one link.
 */
public final class RateKey {
    private static final Pattern SYNTAX = Pattern.compile(
            "#(\\d{1,9})(?:\\.(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*))?");

    private final String text;
    private final String what;
    private final int argumentIndex;
    /** Null for the argument itself. */
    private final GetterChain getter;

    private RateKey(String text, String what, int argumentIndex, String getterName) {
        this.text = text;
        this.what = what;
        this.argumentIndex = argumentIndex;
        this.getter = getterName == null ? null : new GetterChain(what, List.of(getterName));
    }

    /** @throws IllegalArgumentException when {@code key} is not {@code "#N"} or {@code "#N.getter"} */
    public static RateKey parse(String key) {
        return parse(key, "rate limiter key");
    }

    /**
     * The same syntax selects a keyed breaker's or bulkhead's instance.
     *
     * @param what what the key is, for messages: "circuit breaker key"
     */
    public static RateKey parse(String key, String what) {
        Matcher matcher = SYNTAX.matcher(key == null ? "" : key.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(what + " '" + key + "' must be \"#N\" (argument N, from 0)"
                    + " or \"#N.getter\" (a no-argument method of argument N)");
        }
        return new RateKey(matcher.group(), what, Integer.parseInt(matcher.group(1)), matcher.group(2));
    }

    public int argumentIndex() {
        return argumentIndex;
    }

    /**
     * Checks the key against a method's declared parameters, so a key naming a missing argument or getter is
     * reported when the method is woven rather than on its first call.
     *
     * @throws IllegalArgumentException when the argument or the getter does not exist
     */
    public void checkApplicableTo(Class<?>... parameterTypes) {
        if (argumentIndex >= parameterTypes.length) {
            throw new IllegalArgumentException(what + " '" + text + "' names argument " + argumentIndex
                    + ", but the method takes " + parameterTypes.length);
        }
        if (getter != null) {
            getter.checkFirstOn(parameterTypes[argumentIndex]);
        }
    }

    /** The key value of a call; {@code null} when the argument (or what its getter returns) is null. */
    public Object extract(Object[] args) {
        if (argumentIndex >= args.length) {
            throw new IllegalArgumentException(what + " '" + text + "' names argument " + argumentIndex
                    + ", but the call has " + args.length);
        }
        Object argument = args[argumentIndex];
        return getter == null ? argument : getter.apply(argument);
    }

    @Override
    public String toString() {
        return text;
    }
}
