package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.chaos.SiteChaos;
import dev.bulwark.agent.policy.bulkhead.SemaphoreBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;

/**
 * The state of one protected invocation across its attempts; reused per thread and nesting depth, or, extended, one
 * reactive subscription's own ({@link ReactiveInvocation.Subscription}).
 */
class Call extends Invocation {
    static final long NO_PERMIT = Long.MIN_VALUE;

    final CallStack stack;
    final int depth;
    SiteChain site;
    int attempt;
    long invocationStartNanos;
    /** When the attempt's breaker permit was taken, on the breaker's clock. */
    long breakerStartNanos;
    long previousDelayNanos;
    long breakerPermit = NO_PERMIT;
    /** The breaker that gave the permit: the site's, or its key's. */
    CircuitBreaker breaker;
    boolean holdsBulkhead;
    /** The semaphore bulkhead of the attempt: the site's, or its key's once found. */
    SemaphoreBulkhead bulkhead;
    /** The value of the bulkhead's key for this call, when the bulkhead has one. */
    Object bulkheadKey;
    /** The partition of an adaptive or partitioned bulkhead the call takes its slot in. */
    int bulkheadPartition;
    /** When the slot of an adaptive bulkhead was taken, for the round trip it learns from. */
    long bulkheadStartNanos;
    boolean timed;
    long deadlineNanos;
    /** When the attempt's timeout started counting, on the exact clock (for an adaptive timeout's latencies). */
    long timedSinceNanos;
    Object rateKey;
    /** The value of the breaker's key for this call, when the breaker has one. */
    Object breakerKey;
    /**
     * Whether the observer recorded when this invocation started: only then is it told of its success and is
     * its duration measured, on the exact clock at both ends unless it is only counted.
     */
    boolean observed;
    /**
     * The observer's handle on this invocation (a span, say); {@link CallObserver#COUNTING} when it is only
     * counted, and then timed roughly (see {@link ChainDispatcher}), as is one {@link CallObserver#EVENTFUL} until
     * its first event.
     */
    Object observation;
    /** Bridge kind bits of the rejection of the current attempt, 0 when it was admitted. */
    int rejection;
    /** The chaos experiments of the site that apply to this invocation, by its arguments (see SiteChaos). */
    int chaosMask;
    /**
     * Whether the current attempt returned a result judged a failure by the retry's check, by the breaker's; reset
     * when an attempt starts.
     */
    boolean retryableResult;
    boolean recordableResult;
    /** How the retry loop ended, once {@link PolicySteps#nextAttemptDelay} said it did. */
    CallObserver.RetryOutcome loopOutcome;

    Call(CallStack stack, int depth) {
        this.stack = stack;
        this.depth = depth;
    }

    void begin(SiteChain chain) {
        site = chain;
        attempt = 1;
        invocationStartNanos = 0L;
        previousDelayNanos = 0;
        breakerPermit = NO_PERMIT;
        holdsBulkhead = false;
        bulkheadPartition = chain.limitBulkhead == null ? 0 : chain.limitBulkhead.partitionOf(null);
        timed = false;
        rateKey = null;
        breakerKey = null;
        breaker = null;
        bulkhead = chain.bulkhead;
        bulkheadKey = null;
        observation = null;
        observed = false;
        rejection = 0;
        loopOutcome = null;
        chaosMask = SiteChaos.ALL;
        injectedFault = null;
        retryableResult = false;
        recordableResult = false;
        skipBody = false;
        rejectingPolicy = null;
        asynchronous = chain.asyncBody != null;
        wantsArguments = chain.readsArguments() && !asynchronous;
        judgesResult = chain.judgesResult;
        stateless = false;
    }

    /**
     * A counted call of a shared site ({@link SiteChain#statelessEntry}), admitted already: the woven code ends it
     * as a shared invocation, and on success only its site, start and observation are read. The fields a fault
     * of ours would read to give back what it holds are set as well.
     */
    void beginShared(SiteChain chain, Object observation, long startNanos) {
        site = chain;
        attempt = 1;
        invocationStartNanos = startNanos;
        observed = true;
        this.observation = observation;
        bulkhead = chain.bulkhead;
        holdsBulkhead = chain.bulkhead != null;
        breakerPermit = NO_PERMIT;
        timed = false;
        skipBody = false;
        wantsArguments = false;
        asynchronous = false;
        stateless = true;
        judgesResult = chain.judgesResult;
    }

    /** The shared call's attempt failed: from now on a frame like any, holding the slot its admission took. */
    void takeOver() {
        long start = invocationStartNanos;
        Object kept = observation;
        begin(site);
        invocationStartNanos = start;
        observed = true;
        observation = kept;
        holdsBulkhead = site.bulkhead != null;
    }

    /** Whether the current attempt returned a result judged a failure. */
    boolean failedResult() {
        return retryableResult || recordableResult;
    }

    /** Whether it is timed roughly: only counted, or eventful and nothing has happened to it yet. */
    boolean onlyCounted() {
        return observation == CallObserver.COUNTING || observation == CallObserver.EVENTFUL;
    }

    /**
     * A copy of this invocation's state on no thread's stack, for a driver that goes on with it elsewhere (an
     * asynchronous invocation) while this frame is reused.
     */
    Call detach() {
        Call detached = new Call(null, -1);
        detached.begin(site);
        detached.invocationStartNanos = invocationStartNanos;
        detached.observed = observed;
        detached.observation = observation;
        return detached;
    }
}
