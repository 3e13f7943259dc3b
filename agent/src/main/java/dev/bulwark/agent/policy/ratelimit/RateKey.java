package dev.bulwark.agent.policy.ratelimit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which value of a call's arguments selects its limiter (the rate limiter's {@code key}): {@code "#N"} is argument N
 * (0-based), {@code "#N.getter"} the result of a no-argument method of it, found under that name, else as a bean
 * property ({@code getX}, {@code isX}). The method is resolved once per argument class, so a call pays one
 * {@link ClassValue} look-up and a method handle invocation, not a reflective search.
 */
public final class RateKey {
    private static final Pattern SYNTAX = Pattern.compile(
            "#(\\d{1,9})(?:\\.(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*))?");
    private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);

    private final String text;
    private final int argumentIndex;
    private final String getterName;
    private final ClassValue<Getter> getters = new ClassValue<>() {
        @Override
        protected Getter computeValue(Class<?> type) {
            return Getter.resolve(type, getterName);
        }
    };

    private RateKey(String text, int argumentIndex, String getterName) {
        this.text = text;
        this.argumentIndex = argumentIndex;
        this.getterName = getterName;
    }

    /** @throws IllegalArgumentException when {@code key} is not {@code "#N"} or {@code "#N.getter"} */
    public static RateKey parse(String key) {
        Matcher matcher = SYNTAX.matcher(key == null ? "" : key.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("rate limiter key '" + key + "' must be \"#N\" (argument N, from 0)"
                    + " or \"#N.getter\" (a no-argument method of argument N)");
        }
        return new RateKey(matcher.group(), Integer.parseInt(matcher.group(1)), matcher.group(2));
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
            throw new IllegalArgumentException("rate limiter key '" + text + "' names argument " + argumentIndex
                    + ", but the method takes " + parameterTypes.length);
        }
        if (getterName != null) {
            Getter.resolve(MethodType.methodType(parameterTypes[argumentIndex]).wrap().returnType(), getterName)
                    .checkResolved();
        }
    }

    /** The key value of a call; {@code null} when the argument (or what its getter returns) is null. */
    public Object extract(Object[] args) {
        if (argumentIndex >= args.length) {
            throw new IllegalArgumentException("rate limiter key '" + text + "' names argument " + argumentIndex
                    + ", but the call has " + args.length);
        }
        Object argument = args[argumentIndex];
        if (getterName == null || argument == null) {
            return argument;
        }
        return getters.get(argument.getClass()).invoke(argument);
    }

    @Override
    public String toString() {
        return text;
    }

    /** A resolved getter, or why there is none (reported on use, since ClassValue cannot hold a failure). */
    private static final class Getter {
        private final MethodHandle handle;
        private final String failure;

        private Getter(MethodHandle handle, String failure) {
            this.handle = handle;
            this.failure = failure;
        }

        static Getter resolve(Class<?> type, String name) {
            String property = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            for (String candidate : new String[] {name, "get" + property, "is" + property}) {
                Method method = publicNoArgMethod(type, candidate);
                if (method != null) {
                    return unreflect(type, method);
                }
            }
            return new Getter(null, "rate limiter key getter '" + name + "' is not a public no-argument method"
                    + " returning a value on " + type.getName());
        }

        /**
         * Prefers a declaration in a public type, so a getter of a private implementation (say, {@code size} of a
         * JDK-internal list) is called through its public interface instead of needing deep reflection.
         */
        private static Method publicNoArgMethod(Class<?> type, String name) {
            Method found = null;
            for (Class<?> owner = type; owner != null && found == null; owner = owner.getSuperclass()) {
                found = declaredInPublicType(owner, name);
                for (Class<?> contract : owner.getInterfaces()) {
                    found = found != null ? found : declaredInPublicType(contract, name);
                }
            }
            return found != null ? found : noArgMethod(type, name);
        }

        private static Method declaredInPublicType(Class<?> type, String name) {
            Method method = Modifier.isPublic(type.getModifiers()) ? noArgMethod(type, name) : null;
            return method != null && Modifier.isPublic(method.getDeclaringClass().getModifiers()) ? method : null;
        }

        private static Method noArgMethod(Class<?> type, String name) {
            try {
                Method method = type.getMethod(name);
                return method.getReturnType() == void.class || Modifier.isStatic(method.getModifiers())
                        ? null : method;
            } catch (NoSuchMethodException e) {
                return null;
            }
        }

        private static Getter unreflect(Class<?> type, Method method) {
            try {
                if (!Modifier.isPublic(method.getDeclaringClass().getModifiers()) && !method.trySetAccessible()) {
                    return new Getter(null, "rate limiter key getter " + method + " is not accessible from "
                            + type.getName());
                }
                return new Getter(MethodHandles.lookup().unreflect(method).asType(OBJECT_TO_OBJECT), null);
            } catch (IllegalAccessException | SecurityException e) {
                return new Getter(null, "rate limiter key getter " + method + " is not accessible: " + e);
            }
        }

        void checkResolved() {
            if (handle == null) {
                throw new IllegalArgumentException(failure);
            }
        }

        Object invoke(Object target) {
            checkResolved();
            try {
                return (Object) handle.invokeExact(target);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("rate limiter key getter failed", e);
            }
        }
    }
}
