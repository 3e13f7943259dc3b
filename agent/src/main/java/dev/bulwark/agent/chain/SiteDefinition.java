package dev.bulwark.agent.chain;

import dev.bulwark.agent.config.SitePolicies;

/** What the weaver learned about one protected method: its policies and, if it has one, its fallback. */
public final class SiteDefinition {
    private final SitePolicies policies;
    private final SiblingMethod fallback;
    private final SiblingMethod asyncBody;

    /** @param asyncBody the protected method itself when it returns a CompletionStage, else null */
    public SiteDefinition(SitePolicies policies, SiblingMethod fallback, SiblingMethod asyncBody) {
        this.policies = policies;
        this.fallback = fallback;
        this.asyncBody = asyncBody;
    }

    public SitePolicies policies() {
        return policies;
    }

    public SiblingMethod fallback() {
        return fallback;
    }

    /** The protected method, when it returns a CompletionStage and runs asynchronously; else null. */
    public SiblingMethod asyncBody() {
        return asyncBody;
    }
}
