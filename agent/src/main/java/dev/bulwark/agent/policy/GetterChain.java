package dev.bulwark.agent.policy;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Objects;

/**
 * A chain of getters ({@code .status.code}) applied to a value: each link is a public no-argument method found
 * under its name, else as a bean property ({@code getX}, {@code isX}). Each link is resolved once per class it
 * meets, so applying the chain costs a {@link ClassValue} look-up and a method handle invocation per link, not
 * a reflective search. Used by the rate limiter's {@code key} and the retry's {@code delay-from}.
 */
public final class GetterChain {
    private static final MethodType OBJECT_TO_OBJECT = MethodType.methodType(Object.class, Object.class);
    private static final MethodHandle IS_NULL;

    static {
        try {
            IS_NULL = MethodHandles.publicLookup().findStatic(Objects.class, "isNull",
                    MethodType.methodType(boolean.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String what;
    /** An array, so that applying the chain iterates without an iterator. */
    private final Link[] links;

    /**
     * @param what  what the chain is, for messages: "rate limiter key", "retry delay-from"
     * @param names the getters, applied in order
     */
    public GetterChain(String what, List<String> names) {
        this.what = what;
        this.links = new Link[names.size()];
        for (int i = 0; i < links.length; i++) {
            links[i] = new Link(what, names.get(i));
        }
    }

    /**
     * The value at the end of the chain; null when a link meets null.
     *
     * @throws IllegalArgumentException when a getter does not exist on the class it meets
     */
    public Object apply(Object target) {
        Object value = target;
        for (int i = 0; i < links.length && value != null; i++) {
            value = links[i].getters.get(value.getClass()).invoke(value);
        }
        return value;
    }

    /**
     * The chain applied to a value of exactly {@code type}, as one handle from the value to the end of the chain:
     * each getter resolved once, for the class it will meet. That class is known in advance for the first link, and
     * for a link after a getter declared to return a final class or a primitive; null when a later link may meet
     * other classes, or a getter does not resolve, so that {@link #apply} resolves (and reports) on the classes
     * met instead.
     */
    public MethodHandle compiledFor(Class<?> type) {
        MethodHandle chain = MethodHandles.identity(Object.class);
        Class<?> met = type;
        boolean mayBeNull = false;
        for (Link link : links) {
            if (met == null) {
                return null;
            }
            Getter getter = link.getters.get(met);
            if (getter.handle == null) {
                return null;
            }
            chain = MethodHandles.filterReturnValue(chain, mayBeNull
                    ? MethodHandles.guardWithTest(IS_NULL, MethodHandles.identity(Object.class), getter.handle)
                    : getter.handle);
            mayBeNull = !getter.returnType.isPrimitive();
            Class<?> boxed = MethodType.methodType(getter.returnType).wrap().returnType();
            met = Modifier.isFinal(boxed.getModifiers()) ? boxed : null;
        }
        return chain;
    }

    /**
     * Checks the first getter against the declared type of the value it will meet, so that a missing getter is
     * reported when the method is woven rather than on its first call.
     *
     * @throws IllegalArgumentException when it does not exist
     */
    public void checkFirstOn(Class<?> declaredType) {
        if (links.length > 0) {
            Getter.resolve(what, MethodType.methodType(declaredType).wrap().returnType(), links[0].name)
                    .checkResolved();
        }
    }

    private static final class Link {
        final String name;
        final ClassValue<Getter> getters;

        Link(String what, String name) {
            this.name = name;
            this.getters = new ClassValue<>() {
                @Override
                protected Getter computeValue(Class<?> type) {
                    return Getter.resolve(what, type, name);
                }
            };
        }
    }

    /** A resolved getter, or why there is none (reported on use, since ClassValue cannot hold a failure). */
    private static final class Getter {
        private final String what;
        private final MethodHandle handle;
        /** The getter's declared return type; null with no handle. */
        private final Class<?> returnType;
        private final String failure;

        private Getter(String what, MethodHandle handle, Class<?> returnType, String failure) {
            this.what = what;
            this.handle = handle;
            this.returnType = returnType;
            this.failure = failure;
        }

        static Getter resolve(String what, Class<?> type, String name) {
            String property = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            for (String candidate : new String[] {name, "get" + property, "is" + property}) {
                Method method = publicNoArgMethod(type, candidate);
                if (method != null) {
                    return unreflect(what, type, method);
                }
            }
            return new Getter(what, null, null, what + " getter '" + name + "' is not a public no-argument method"
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

        private static Getter unreflect(String what, Class<?> type, Method method) {
            try {
                if (!Modifier.isPublic(method.getDeclaringClass().getModifiers()) && !method.trySetAccessible()) {
                    return new Getter(what, null, null, what + " getter " + method + " is not accessible from "
                            + type.getName());
                }
                return new Getter(what, MethodHandles.lookup().unreflect(method).asType(OBJECT_TO_OBJECT),
                        method.getReturnType(), null);
            } catch (IllegalAccessException | SecurityException e) {
                return new Getter(what, null, null, what + " getter " + method + " is not accessible: " + e);
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
                throw new IllegalStateException(what + " getter failed", e);
            }
        }
    }
}
