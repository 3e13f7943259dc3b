package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.SitePolicies;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the weaver learned about one protected method: its policies and, if it has one, its fallback; and,
 * so that a config reload can resolve the method again, the blocks its annotations declared.
 */
public final class SiteDefinition {
    private final SitePolicies policies;
    private final FallbackMethod fallback;
    private final boolean asynchronous;
    private final Map<PolicyKind, Config> annotationBlocks;

    public SiteDefinition(SitePolicies policies, FallbackMethod fallback, boolean asynchronous) {
        this(policies, fallback, asynchronous, Collections.emptyMap());
    }

    public SiteDefinition(SitePolicies policies, FallbackMethod fallback, boolean asynchronous,
                          Map<PolicyKind, Config> annotationBlocks) {
        this.policies = policies;
        this.fallback = fallback;
        this.asynchronous = asynchronous;
        this.annotationBlocks = annotationBlocks.isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new EnumMap<>(annotationBlocks));
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

    /** The policy blocks the method's and its class's annotations declared (instrument entries not included). */
    public Map<PolicyKind, Config> annotationBlocks() {
        return annotationBlocks;
    }

    /** The same method with other policies, for a config reload; the woven fallback method cannot change. */
    public SiteDefinition with(SitePolicies newPolicies, FallbackMethod newFallback) {
        return new SiteDefinition(newPolicies, newFallback, asynchronous, annotationBlocks);
    }
}
