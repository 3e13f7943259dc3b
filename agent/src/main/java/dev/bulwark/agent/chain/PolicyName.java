package dev.bulwark.agent.chain;

import java.util.Objects;

/**
 * A policy's name together with the label of its {@link PolicyScope scope}, as telemetry tells policies apart:
 * two deployments' policies of one name are two, each with its own counts and its own series.
 */
public final class PolicyName {
    private final String name;
    private final String scope;

    PolicyName(String name, PolicyScope scope) {
        this(name, scope.label());
    }

    /** @param scope the scope's label, or null for a policy shared JVM-wide or of a loader that lives as long */
    public PolicyName(String name, String scope) {
        this.name = name;
        this.scope = scope;
    }

    public String name() {
        return name;
    }

    /**
     * The label of the class loader whose classes alone share the policy ({@code WebappClassLoader@1b2c3d}), or
     * null when it is shared JVM-wide or belongs to a loader that lives as long as the JVM.
     */
    public String scope() {
        return scope;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyName && ((PolicyName) o).name.equals(name)
                && Objects.equals(((PolicyName) o).scope, scope);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + (scope == null ? 0 : scope.hashCode());
    }

    @Override
    public String toString() {
        return scope == null ? name : name + " (" + scope + ")";
    }
}
