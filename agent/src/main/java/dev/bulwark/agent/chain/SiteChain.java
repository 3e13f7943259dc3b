package dev.bulwark.agent.chain;

import dev.bulwark.ResultFailureException;
import dev.bulwark.agent.chaos.SiteChaos;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.SitePolicies;
import dev.bulwark.agent.policy.KeyedPolicies;
import dev.bulwark.agent.policy.adaptive.AdaptiveDeadline;
import dev.bulwark.agent.policy.budget.RetryBudget;
import dev.bulwark.agent.policy.bulkhead.BulkheadSpec;
import dev.bulwark.agent.policy.bulkhead.LimitBulkhead;
import dev.bulwark.agent.policy.bulkhead.SemaphoreBulkhead;
import dev.bulwark.agent.policy.bulkhead.ThreadPoolBulkhead;
import dev.bulwark.annotations.BulkheadType;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.fallback.FallbackSpec;
import dev.bulwark.agent.policy.ratelimit.KeyedLimiter;
import dev.bulwark.agent.policy.ratelimit.RateKey;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.ratelimit.SharedLimiter;
import dev.bulwark.agent.policy.retry.RetryPolicy;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.agent.policy.timeout.TimeoutSpec;
import dev.bulwark.agent.reactive.ReactiveType;

/**
 * The policies of one call site, in chain order: Fallback, Retry, CircuitBreaker, RateLimited, Timeout,
 * Bulkhead, and innermost the chaos experiments. Absent policies are null, so the hot path pays only for what the method declares.
 */
final class SiteChain {
    /** The call-site id the woven code carries. */
    final int id;
    final String name;
    final FallbackSpec fallbackSpec;
    final SiblingMethod fallback;
    final RetryPolicy retry;
    /** The budget the retries draw on; null without one. */
    final RetryBudget retryBudget;
    /** The breaker; null for none, and for a keyed one, whose breaker each call finds in {@link #keyedBreakers}. */
    final CircuitBreaker breaker;
    /** A breaker per value of {@link #breakerKey}; null unless the breaker has a key. */
    final KeyedPolicies<CircuitBreaker> keyedBreakers;
    final RateKey breakerKey;
    /** Where the breaker's state is shared, which JMX shows; null without a breaker. */
    final PolicyScope breakerScope;
    final RateLimiter limiter;
    final KeyedLimiter keyedLimiter;
    /** The limiter again when its permits are shared with other JVMs, for the metrics; null otherwise. */
    final SharedLimiter sharedLimiter;
    final RateKey rateKey;
    final RateLimiterSpec limiterSpec;
    final TimeoutSpec timeout;
    /** The deadline of an adaptive timeout, which the attempts' latencies move; null for a fixed one. */
    final AdaptiveDeadline adaptiveTimeout;
    /** The semaphore bulkhead; null for none, and for a keyed one, whose bulkheads are in {@link #keyedBulkheads}. */
    final SemaphoreBulkhead bulkhead;
    /** A semaphore bulkhead per value of {@link #bulkheadKey}; null unless the bulkhead has a key. */
    final KeyedPolicies<SemaphoreBulkhead> keyedBulkheads;
    final RateKey bulkheadKey;
    /** An adaptive or partitioned bulkhead, in place of {@link #bulkhead}; null otherwise. */
    final LimitBulkhead limitBulkhead;
    /** Which argument value picks a call's partition of {@link #limitBulkhead}; null when it has one partition. */
    final RateKey partitionKey;
    /**
     * Whether an attempt takes a slot of {@link #bulkhead}, of its key's bulkhead or of {@link #limitBulkhead}
     * on the caller's side.
     */
    final boolean takesSlot;
    final ThreadPoolBulkhead threadPool;
    final BulkheadSpec bulkheadSpec;
    /** The method itself, re-invoked by the runtime, when it returns a CompletionStage; null when synchronous. */
    final SiblingMethod asyncBody;
    /** The chaos experiments that match the method, innermost in the chain; null when none does. */
    final SiteChaos chaos;
    /** The reactive type the method returns, driven per subscription; null for any other method. */
    final ReactiveType reactive;
    /** The driver of a reactive method's calls, made at its first call ({@link ReactiveInvocation#of}). */
    ReactiveInvocation reactiveDriver;
    /**
     * What the woven code of a reactive method gets at its call, which only assembles the publisher; null for any
     * other method.
     */
    final ReactiveEntry reactiveEntry;
    /** Whether the timeout counts its deadline from the millisecond clock when no exact time is at hand. */
    final boolean roughTimeout;
    /**
     * Whether admitting an invocation needs the exact time: a rate limiter, a timeout shorter than a second or
     * a retry's maxDuration. Breakers read their own, cheaper clock, and so do long timeouts; retry without
     * maxDuration, bulkhead and fallback need none.
     */
    final boolean readsClockOnEntry;
    /**
     * The invocation every call of this site shares while nothing watches it, when its policies keep no state
     * of a call across its success (retry without maxDuration, a semaphore bulkhead, fallback, a rate limiter
     * that never waits); null otherwise.
     */
    final StatelessEntry statelessEntry;
    /** The counts of this site and its named policies, held while this chain is in use. */
    final SiteMetrics metrics;
    /** Judges a returned result a failure to retry; null when results are never failures to the retry. */
    final ResultCheck retryOnResult;
    /** Judges a returned result a failure the breaker records; null when results are never failures to it. */
    final ResultCheck recordOnResult;
    /** Whether the woven code must hand the runtime what an attempt returned: a check judges it. */
    final boolean judgesResult;
    /** Whether the breaker's MBean is registered; a benign race may register it twice, which JMX tolerates. */
    boolean breakerExposed;

    /** @param loaderScope the scope of the class loader that defined the method's class */
    SiteChain(int id, SiteDefinition definition, PolicyRegistry registry, PolicyScope loaderScope, CallObserver observer) {
        this.id = id;
        SitePolicies policies = definition.policies();
        this.name = policies.ownName();
        // A reload may drop the fallback policy of a site woven with a fallback method.
        FallbackSpec anyFallbackSpec = policies.spec(PolicyKind.FALLBACK, FallbackSpec.class);
        this.fallback = anyFallbackSpec == null ? null : definition.fallback();
        this.fallbackSpec = fallback == null ? null : anyFallbackSpec;
        RetrySpec retrySpec = policies.spec(PolicyKind.RETRY, RetrySpec.class);
        this.retry = retrySpec == null ? null : new RetryPolicy(retrySpec);
        this.retryBudget = retrySpec == null || retrySpec.budgetSpec() == null ? null
                : registry.retryBudget(retrySpec.budgetSpec());
        CircuitBreakerSpec breakerSpec = policies.spec(PolicyKind.CIRCUIT_BREAKER, CircuitBreakerSpec.class);
        this.breakerScope = breakerSpec == null ? null : scope(policies, breakerSpec.name(), loaderScope);
        boolean keyedBreaker = breakerSpec != null && !breakerSpec.key().isEmpty();
        this.breaker = breakerSpec == null || keyedBreaker ? null : registry.circuitBreaker(breakerSpec, breakerScope);
        this.keyedBreakers = keyedBreaker ? registry.keyedCircuitBreakers(breakerSpec, breakerScope) : null;
        this.breakerKey = keyedBreaker ? RateKey.parse(breakerSpec.key(), "circuit breaker key") : null;
        this.limiterSpec = policies.spec(PolicyKind.RATE_LIMITER, RateLimiterSpec.class);
        PolicyScope limiterScope = limiterSpec == null ? null : scope(policies, limiterSpec.name(), loaderScope);
        Object anyLimiter = limiterSpec == null ? null : registry.rateLimiter(limiterSpec, limiterScope);
        this.limiter = anyLimiter instanceof RateLimiter ? (RateLimiter) anyLimiter : null;
        this.keyedLimiter = anyLimiter instanceof KeyedLimiter ? (KeyedLimiter) anyLimiter : null;
        this.sharedLimiter = anyLimiter instanceof SharedLimiter ? (SharedLimiter) anyLimiter : null;
        this.rateKey = keyedLimiter == null ? null : RateKey.parse(limiterSpec.key());
        this.timeout = policies.spec(PolicyKind.TIMEOUT, TimeoutSpec.class);
        this.adaptiveTimeout = timeout == null || !timeout.adaptive() ? null
                : registry.adaptiveTimeout(name, timeout, loaderScope);
        // Checked when the method was woven (or its config reloaded): the text parses.
        this.retryOnResult = retrySpec == null ? null : ResultCheck.parse(retrySpec.retryOnResult());
        this.recordOnResult = breakerSpec == null ? null : ResultCheck.parse(breakerSpec.recordOnResult());
        this.judgesResult = retryOnResult != null || recordOnResult != null;
        this.asyncBody = definition.asyncBody();
        this.reactive = definition.reactiveType();
        this.reactiveEntry = reactive == null ? null : new ReactiveEntry(this);
        this.bulkheadSpec = policies.spec(PolicyKind.BULKHEAD, BulkheadSpec.class);
        boolean pooled = bulkheadSpec != null && bulkheadSpec.type() == BulkheadType.THREAD_POOL && asyncBody != null;
        PolicyScope bulkheadScope = bulkheadSpec == null ? null : scope(policies, bulkheadSpec.name(), loaderScope);
        this.threadPool = pooled ? registry.threadPoolBulkhead(bulkheadSpec, bulkheadScope) : null;
        boolean limited = bulkheadSpec != null && !pooled
                && (bulkheadSpec.type() == BulkheadType.ADAPTIVE || bulkheadSpec.partitioned());
        this.limitBulkhead = limited ? registry.limitBulkhead(bulkheadSpec, bulkheadScope) : null;
        this.partitionKey = limited && bulkheadSpec.partitioned()
                ? RateKey.parse(bulkheadSpec.partitionBy(), "bulkhead partition-by") : null;
        // The config refuses a key on any but a fixed semaphore bulkhead; an adaptive or partitioned one has none.
        boolean keyedBulkhead = bulkheadSpec != null && !pooled && !limited && !bulkheadSpec.key().isEmpty();
        this.bulkhead = bulkheadSpec == null || pooled || limited || keyedBulkhead ? null
                : registry.bulkhead(bulkheadSpec, bulkheadScope);
        this.keyedBulkheads = keyedBulkhead ? registry.keyedBulkheads(bulkheadSpec, bulkheadScope) : null;
        this.bulkheadKey = keyedBulkhead ? RateKey.parse(bulkheadSpec.key(), "bulkhead key") : null;
        this.takesSlot = bulkhead != null || keyedBulkheads != null || limitBulkhead != null;
        this.chaos = registry.chaos().site(name, definition.chaos());
        // An adaptive timeout times its attempts exactly, and its deadline may come down to milliseconds.
        this.roughTimeout = timeout != null && adaptiveTimeout == null
                && registry.deadlineClock().countsRoughly(timeout.timeoutNanos());
        this.readsClockOnEntry = limiterSpec != null || (timeout != null && !roughTimeout)
                || (retry != null && retry.spec().maxDurationNanos() > 0);
        // A limiter that never waits admits a call in one step and keeps nothing of it. Not with a bulkhead:
        // the slot is taken after the permit, and a refused slot would leave the shared entry holding a permit.
        boolean limiterNeedsNoFrame = limiterSpec == null
                || limiter != null && limiterSpec.maxWaitNanos() <= 0 && bulkhead == null;
        boolean stateless = breaker == null && keyedBreakers == null && keyedBulkheads == null && limiterNeedsNoFrame
                && timeout == null && threadPool == null && limitBulkhead == null && chaos == null
                && asyncBody == null && (retry == null || retry.spec().maxDurationNanos() == 0);
        this.statelessEntry = stateless ? new StatelessEntry(this) : null;
        this.metrics = observer.siteMetrics(new PolicyName(name, loaderScope),
                retrySpec == null ? null : new PolicyName(retrySpec.name(), scope(policies, retrySpec.name(), loaderScope)),
                bulkheadSpec == null ? null : new PolicyName(bulkheadSpec.name(), bulkheadScope),
                limiterSpec == null ? null : new PolicyName(limiterSpec.name(), limiterScope));
    }

    private static PolicyScope scope(SitePolicies policies, String policyName, PolicyScope loaderScope) {
        return policies.sharedPerClassLoader(policyName) ? loaderScope : PolicyScope.JVM;
    }

    /**
     * How the retry loop ends after attempt {@code attempt} ended with {@code failure} (null: it succeeded), or
     * null when the failure is worth another attempt; the caller then checks the delay against its time limits.
     */
    CallObserver.RetryOutcome retryVerdict(Class<? extends Throwable> failure, boolean ownBreakerOpen, int attempt) {
        if (failure == null) {
            return attempt == 1 ? CallObserver.RetryOutcome.SUCCESS : CallObserver.RetryOutcome.SUCCESS_AFTER_RETRY;
        }
        if (retry == null) {
            return CallObserver.RetryOutcome.FAILURE;
        }
        if (ownBreakerOpen ? !retry.shouldRetryOpenCircuit() : !retry.shouldRetry(failure)) {
            return retry.spec().abortOn().matches(failure) ? CallObserver.RetryOutcome.ABORTED : CallObserver.RetryOutcome.FAILURE;
        }
        return attempt >= retry.spec().maxAttempts() ? CallObserver.RetryOutcome.EXHAUSTED : null;
    }

    /** Whether calls pass a breaker, one shared or one per key. */
    boolean guarded() {
        return breaker != null || keyedBreakers != null;
    }

    /**
     * Whether admitting a synchronous call needs its arguments: to find its keyed limiter, breaker or bulkhead,
     * or its bulkhead partition.
     */
    boolean readsArguments() {
        return keyedLimiter != null || keyedBreakers != null || keyedBulkheads != null || partitionKey != null
                || chaos != null && chaos.wantsArguments();
    }

    /**
     * How the retry loop ends after attempt {@code attempt} returned a result judged a failure, or null when
     * that result is worth another attempt: only a failure to the retry's own check is.
     */
    CallObserver.RetryOutcome resultVerdict(boolean retryable, int attempt) {
        if (retry == null || !retryable) {
            return CallObserver.RetryOutcome.FAILURE;
        }
        return attempt >= retry.spec().maxAttempts() ? CallObserver.RetryOutcome.EXHAUSTED : null;
    }

    /** Whether a result judged a failure goes to the fallback, which then receives a ResultFailureException. */
    boolean fallbackAppliesToResult() {
        return fallback != null && fallbackSpec.applyOnResult() && fallback.accepts(ResultFailureException.class);
    }

    boolean fallbackApplies(Class<?> judgedType, Class<?> thrownType) {
        return fallback != null && fallbackSpec.applyOn().matches(judgedType) && !fallbackSpec.skipOn().matches(judgedType)
                && fallback.accepts(thrownType);
    }
}
