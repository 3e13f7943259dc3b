package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

/**
 * What one name (a policy, or a site {@code com.acme.Foo#bar}) in one scope has recorded: written on the call
 * path into cells each thread writes alone (see {@link CellOwners}), read by one collection at a time.
 */
public abstract class Series {
    private final PolicyName name;
    private long activityAtLastCollection = -1;
    private long idleSinceNanos;

    Series(PolicyName name) {
        this.name = name;
    }

    public String name() {
        return name.name();
    }

    /** The label of the class loader whose classes alone record here, or null (see {@link PolicyName#scope}). */
    public String scope() {
        return name.scope();
    }

    public PolicyName policyName() {
        return name;
    }

    /** A total that grows with every record, so that an unchanged one tells an idle series. */
    abstract long activity();

    /** True when this series recorded nothing for {@code idleNanos} up to {@code now}; called at each collection. */
    final boolean idleFor(long idleNanos, long now) {
        long activity = activity();
        if (activity != activityAtLastCollection) {
            activityAtLastCollection = activity;
            idleSinceNanos = now;
            return false;
        }
        return now - idleSinceNanos >= idleNanos;
    }
}
