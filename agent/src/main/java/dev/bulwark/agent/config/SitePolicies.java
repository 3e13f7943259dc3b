package dev.bulwark.agent.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The validated specs of every policy that protects one method, keyed by kind. */
public final class SitePolicies {
    private final String className;
    private final String methodName;
    private final Map<PolicyKind, Object> specs;

    SitePolicies(String className, String methodName, Map<PolicyKind, Object> specs) {
        this.className = className;
        this.methodName = methodName;
        this.specs = Collections.unmodifiableMap(new EnumMap<>(specs));
    }

    public String className() {
        return className;
    }

    public String methodName() {
        return methodName;
    }

    /** The method's own policy name, {@code com.acme.Foo#bar}. */
    public String ownName() {
        return className + "#" + methodName;
    }

    public boolean isEmpty() {
        return specs.isEmpty();
    }

    public boolean has(PolicyKind kind) {
        return specs.containsKey(kind);
    }

    public <T> T spec(PolicyKind kind, Class<T> type) {
        return type.cast(specs.get(kind));
    }

    public Map<PolicyKind, Object> specs() {
        return specs;
    }

    public SitePolicies with(PolicyKind kind, Object spec) {
        Map<PolicyKind, Object> more = new EnumMap<>(PolicyKind.class);
        more.putAll(specs);
        more.put(kind, spec);
        return new SitePolicies(className, methodName, more);
    }

    public SitePolicies without(PolicyKind kind) {
        Map<PolicyKind, Object> rest = new EnumMap<>(PolicyKind.class);
        rest.putAll(specs);
        rest.remove(kind);
        return new SitePolicies(className, methodName, rest);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SitePolicies)) {
            return false;
        }
        SitePolicies that = (SitePolicies) o;
        return className.equals(that.className) && methodName.equals(that.methodName) && specs.equals(that.specs);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(className, methodName, specs);
    }

    @Override
    public String toString() {
        return ownName() + " " + specs.keySet();
    }
}
