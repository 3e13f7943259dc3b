package dev.bulwark.agent.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** The validated specs of every policy that protects one method, keyed by kind. */
public final class SitePolicies {
    private final String className;
    private final String methodName;
    private final Map<PolicyKind, Object> specs;
    private final boolean namesPerClassLoader;
    /** What the admin endpoint shows: each kind's keys, values and where they were written; not part of equality. */
    private final Map<PolicyKind, Map<String, Setting>> settings;

    SitePolicies(String className, String methodName, Map<PolicyKind, Object> specs, boolean namesPerClassLoader,
                 Map<PolicyKind, Map<String, Setting>> settings) {
        this.className = className;
        this.methodName = methodName;
        this.specs = Collections.unmodifiableMap(new EnumMap<>(specs));
        this.namesPerClassLoader = namesPerClassLoader;
        this.settings = settings.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(new EnumMap<>(settings));
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

    /**
     * Whether the state of the policy named {@code policyName} is shared only within the class loader that defined this method's class: always
     * for a policy without a name of its own, and for a named one under {@code shared-names = class-loader}.
     */
    public boolean sharedPerClassLoader(String policyName) {
        return namesPerClassLoader || policyName.equals(ownName());
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

    /** The effective settings of each policy, key by key, with where each was written; empty when not recorded. */
    public Map<PolicyKind, Map<String, Setting>> settings() {
        return settings;
    }

    public SitePolicies with(PolicyKind kind, Object spec) {
        Map<PolicyKind, Object> more = new EnumMap<>(PolicyKind.class);
        more.putAll(specs);
        more.put(kind, spec);
        return new SitePolicies(className, methodName, more, namesPerClassLoader, settings);
    }

    public SitePolicies without(PolicyKind kind) {
        Map<PolicyKind, Object> rest = new EnumMap<>(PolicyKind.class);
        rest.putAll(specs);
        rest.remove(kind);
        Map<PolicyKind, Map<String, Setting>> restSettings = new EnumMap<>(PolicyKind.class);
        restSettings.putAll(settings);
        restSettings.remove(kind);
        return new SitePolicies(className, methodName, rest, namesPerClassLoader, restSettings);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SitePolicies)) {
            return false;
        }
        SitePolicies that = (SitePolicies) o;
        return className.equals(that.className) && methodName.equals(that.methodName) && specs.equals(that.specs)
                && namesPerClassLoader == that.namesPerClassLoader;
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
