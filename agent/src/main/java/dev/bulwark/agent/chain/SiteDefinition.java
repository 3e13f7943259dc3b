package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.SitePolicies;
import dev.bulwark.agent.reactive.ReactiveType;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the weaver learned about one protected method: its policies and, if it has one, its fallback; and, so
 * that a config reload can resolve the method again, the blocks its annotations declared and its arity.
 */
public final class SiteDefinition {
    private final SitePolicies policies;
    private final SiblingMethod fallback;
    private final SiblingMethod asyncBody;
    private final Map<PolicyKind, Config> annotationBlocks;
    private final int parameterCount;
    private final ReactiveType reactiveType;

    /** @param asyncBody the protected method itself when it returns a CompletionStage or a reactive type, else null */
    public SiteDefinition(SitePolicies policies, SiblingMethod fallback, SiblingMethod asyncBody) {
        this(policies, fallback, asyncBody, Collections.emptyMap(), -1);
    }

    /**
     * @param annotationBlocks the policy blocks of the method's and its class's annotations (instrument entries
     *                         not included: a reload matches them again)
     * @param parameterCount   how many parameters the method takes
     */
    public SiteDefinition(SitePolicies policies, SiblingMethod fallback, SiblingMethod asyncBody,
                          Map<PolicyKind, Config> annotationBlocks, int parameterCount) {
        this(policies, fallback, asyncBody, annotationBlocks, parameterCount, null);
    }

    private SiteDefinition(SitePolicies policies, SiblingMethod fallback, SiblingMethod asyncBody,
                           Map<PolicyKind, Config> annotationBlocks, int parameterCount, ReactiveType reactiveType) {
        this.reactiveType = reactiveType;
        this.policies = policies;
        this.fallback = fallback;
        this.asyncBody = asyncBody;
        this.annotationBlocks = annotationBlocks.isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new EnumMap<>(annotationBlocks));
        this.parameterCount = parameterCount;
    }

    public SitePolicies policies() {
        return policies;
    }

    public SiblingMethod fallback() {
        return fallback;
    }

    /** The protected method, when it returns a CompletionStage or a reactive type and runs asynchronously; else null. */
    public SiblingMethod asyncBody() {
        return asyncBody;
    }

    public Map<PolicyKind, Config> annotationBlocks() {
        return annotationBlocks;
    }

    /** How many parameters the method takes; -1 when unknown. */
    public int parameterCount() {
        return parameterCount;
    }

    /** The reactive type the method returns, when it is protected per subscription; else null. */
    public ReactiveType reactiveType() {
        return reactiveType;
    }

    /** The same method, returning {@code type}: its {@code asyncBody} is then re-invoked for each attempt. */
    public SiteDefinition reactive(ReactiveType type) {
        return new SiteDefinition(policies, fallback, asyncBody, annotationBlocks, parameterCount, type);
    }

    /** The same method with other policies, for a config reload; the woven fallback method cannot change. */
    public SiteDefinition with(SitePolicies newPolicies) {
        return new SiteDefinition(newPolicies, fallback, asyncBody, annotationBlocks, parameterCount, reactiveType);
    }
}
