package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.ExceptionMatcher;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * A method of a woven class that Bulwark calls itself: a fallback, or an asynchronous method re-invoked for
 * a retry. Named by its name and parameter types, as found when the class was woven, plus for a fallback
 * whether it takes the failure as a trailing parameter. The method handle is resolved at the first call,
 * from the woven class itself, because the class is not yet loaded when it is woven, and kept with that class
 * (a {@link ClassValue}): call sites live as long as the agent, and a handle held here would keep an undeployed
 * application's class loader, and every class it loaded, from ever being collected.
 *
 * <p>The handle takes the receiver, the failure and the arguments' array as they come, so that a call (one per
 * attempt of an asynchronous or reactive method) allocates nothing of its own.
 */
public final class SiblingMethod {
    /** (receiver or ignored null, failure or ignored, arguments) the method's result, or null for void. */
    private static final MethodType CALL = MethodType.methodType(Object.class, Object.class, Throwable.class, Object[].class);

    private final String name;
    private final List<String> parameterTypes;
    private final String failureParameterType;
    private final boolean isStatic;
    private final ExceptionMatcher acceptsFailure;
    private final ClassValue<MethodHandle> handles = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> declaringType) {
            try {
                return resolve(declaringType);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    /**
     * @param parameterTypes       the protected method's parameter types (binary names)
     * @param failureParameterType the type of the trailing failure parameter, or null when it has none
     */
    public SiblingMethod(String name, List<String> parameterTypes, String failureParameterType, boolean isStatic) {
        this.name = name;
        this.parameterTypes = List.copyOf(parameterTypes);
        this.failureParameterType = failureParameterType;
        this.isStatic = isStatic;
        this.acceptsFailure = failureParameterType == null ? null : ExceptionMatcher.of(failureParameterType);
    }

    public String name() {
        return name;
    }

    /** A fallback whose failure parameter is narrower than Throwable applies only to failures it can take. */
    boolean accepts(Class<?> failureType) {
        return acceptsFailure == null || acceptsFailure.matches(failureType);
    }

    /**
     * Calls the method; its result or exception is the caller's. A method that cannot be resolved (a fault of
     * ours: it was checked when the class was woven) throws {@link Unresolvable} instead.
     */
    Object invoke(Class<?> declaringType, Object self, Object[] arguments, Throwable failure) throws Throwable {
        MethodHandle target;
        try {
            target = handles.get(declaringType);
        } catch (RuntimeException e) {
            throw new Unresolvable(this + " in " + declaringType.getName(), e);
        }
        return (Object) target.invokeExact(self, failure, arguments);
    }

    /** The method as a handle of type {@link #CALL}: its failure parameter moved before the spread arguments. */
    private MethodHandle resolve(Class<?> declaringType) throws ReflectiveOperationException {
        Method method = find(declaringType);
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(declaringType, MethodHandles.lookup());
        MethodHandle resolved = lookup.unreflect(method);
        int lead = isStatic ? 0 : 1;
        int count = parameterTypes.size();
        MethodHandle failureFirst;
        if (failureParameterType == null) {
            failureFirst = MethodHandles.dropArguments(resolved, lead, Throwable.class);
        } else {
            MethodType type = resolved.type();
            MethodType moved = type.dropParameterTypes(lead + count, lead + count + 1)
                    .insertParameterTypes(lead, type.parameterType(lead + count));
            int[] reorder = new int[type.parameterCount()];
            for (int i = 0; i < reorder.length; i++) {
                reorder[i] = i < lead ? i : i == lead + count ? lead : i + 1;
            }
            failureFirst = MethodHandles.permuteArguments(resolved, moved, reorder);
        }
        MethodHandle spread = failureFirst.asSpreader(Object[].class, count);
        return (isStatic ? MethodHandles.dropArguments(spread, 0, Object.class) : spread).asType(CALL);
    }

    private Method find(Class<?> declaringType) throws NoSuchMethodException {
        for (Method candidate : declaringType.getDeclaredMethods()) {
            if (candidate.getName().equals(name) && Modifier.isStatic(candidate.getModifiers()) == isStatic
                    && parametersMatch(candidate.getParameterTypes())) {
                return candidate;
            }
        }
        throw new NoSuchMethodException(declaringType.getName() + "#" + name + parameterTypes);
    }

    private boolean parametersMatch(Class<?>[] actual) {
        int expected = parameterTypes.size() + (failureParameterType == null ? 0 : 1);
        if (actual.length != expected) {
            return false;
        }
        for (int i = 0; i < parameterTypes.size(); i++) {
            if (!actual[i].getName().equals(parameterTypes.get(i))) {
                return false;
            }
        }
        return failureParameterType == null || actual[actual.length - 1].getName().equals(failureParameterType);
    }

    @Override
    public String toString() {
        return name + "(" + String.join(", ", parameterTypes)
                + (failureParameterType == null ? "" : (parameterTypes.isEmpty() ? "" : ", ") + failureParameterType) + ")"
                + (isStatic ? " static" : "");
    }

    /** The method could not be found or accessed at run time. */
    static final class Unresolvable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unresolvable(String method, Throwable cause) {
            super("cannot call " + method + ": " + cause, cause);
        }
    }
}
