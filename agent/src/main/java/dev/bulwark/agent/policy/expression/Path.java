package dev.bulwark.agent.policy.expression;

import dev.bulwark.agent.policy.GetterChain;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * {@code #result.status.code} or {@code #0.tenant}: a root and the getters applied to it, resolved through a
 * {@link GetterChain} so that applying it costs method handle invocations, not reflective searches.
 */
public final class Path {
    /** The argument's index, or -1 for the root value ({@code #result}, {@code #exception}). */
    private final int argument;
    private final List<String> getters;
    private final GetterChain chain;

    Path(String what, int argument, List<String> getters) {
        this.argument = argument;
        this.getters = List.copyOf(getters);
        this.chain = new GetterChain(what, getters);
    }

    /** The argument index this path starts from, or -1 when it starts from the judged value. */
    public int argument() {
        return argument;
    }

    public List<String> getters() {
        return getters;
    }

    /**
     * The value at the end of the path.
     *
     * @param value     the judged value ({@code #result}, {@code #exception}); ignored for an argument path
     * @param arguments the protected method's arguments; ignored unless the path starts from one
     * @throws IllegalArgumentException when a getter does not exist on the class it meets
     */
    public Object valueOf(Object value, Object[] arguments) {
        return chain.apply(argument < 0 ? value : arguments[argument]);
    }

    /**
     * This path from a judged value of exactly {@code rootType}, as a handle from the value to the value at the end
     * of the path; null for a path from an argument, or when {@link GetterChain#compiledFor} cannot resolve it.
     */
    MethodHandle compiledFor(Class<?> rootType) {
        return argument < 0 ? chain.compiledFor(rootType) : null;
    }

    /**
     * Reports a first getter that the declared type does not have, when the method is woven.
     *
     * @param rootType the declared type of the root (return type, exception type, parameter type)
     * @throws IllegalArgumentException naming the getter and the type
     */
    public void checkOn(Class<?> rootType) {
        chain.checkFirstOn(rootType);
    }
}
