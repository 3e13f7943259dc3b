package dev.bulwark.agent.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches a thrown type against a set of exception types named by class name.
 *
 * <p>Names rather than {@code Class} objects because the types come from annotations read before their
 * classes load, and the same type may exist once per class loader: a match walks the thrown class's
 * superclasses and interfaces and compares names, so every loader's view of a type matches. Results are
 * cached per thrown class, so the walk happens once per type.
 */
public final class ExceptionMatcher {
    private static final ExceptionMatcher NONE = new ExceptionMatcher(Collections.emptySet());

    private final Set<String> typeNames;
    private final boolean matchesEverything;
    private final ClassValue<Boolean> cache = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return walk(type);
        }
    };

    private ExceptionMatcher(Set<String> typeNames) {
        this.typeNames = typeNames;
        this.matchesEverything = typeNames.contains(Throwable.class.getName());
    }

    public static ExceptionMatcher of(String... typeNames) {
        return of(Arrays.asList(typeNames));
    }

    public static ExceptionMatcher of(List<String> typeNames) {
        return typeNames.isEmpty() ? NONE : new ExceptionMatcher(Collections.unmodifiableSet(new HashSet<>(typeNames)));
    }

    public static ExceptionMatcher none() {
        return NONE;
    }

    public boolean matches(Class<?> thrownType) {
        if (thrownType == null || typeNames.isEmpty()) {
            return false;
        }
        return matchesEverything || cache.get(thrownType);
    }

    public boolean isEmpty() {
        return typeNames.isEmpty();
    }

    public List<String> typeNames() {
        List<String> sorted = new ArrayList<>(typeNames);
        Collections.sort(sorted);
        return sorted;
    }

    private boolean walk(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (typeNames.contains(c.getName()) || anyInterfaceMatches(c.getInterfaces())) {
                return true;
            }
        }
        return false;
    }

    private boolean anyInterfaceMatches(Class<?>[] interfaces) {
        for (Class<?> i : interfaces) {
            if (typeNames.contains(i.getName()) || anyInterfaceMatches(i.getInterfaces())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExceptionMatcher && typeNames.equals(((ExceptionMatcher) o).typeNames);
    }

    @Override
    public int hashCode() {
        return typeNames.hashCode();
    }

    @Override
    public String toString() {
        return typeNames().toString();
    }
}
