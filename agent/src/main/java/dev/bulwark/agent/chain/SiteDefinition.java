package dev.bulwark.agent.chain;

import dev.bulwark.agent.config.SitePolicies;

/** What the weaver learned about one protected method: its policies and, if it has one, its fallback. */
public final class SiteDefinition {
    private final SitePolicies policies;
    private final FallbackMethod fallback;
    private final boolean asynchronous;

    public SiteDefinition(SitePolicies policies, FallbackMethod fallback, boolean asynchronous) {
        this.policies = policies;
        this.fallback = fallback;
        this.asynchronous = asynchronous;
    }

    public SitePolicies policies() {
        return policies;
    }

    public FallbackMethod fallback() {
        return fallback;
    }

    /** The method returns a CompletionStage. */
    public boolean asynchronous() {
        return asynchronous;
    }
}
