package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.chaos.SiteChaos;
import dev.bulwark.agent.policy.Unwrapping;
import dev.bulwark.agent.policy.bulkhead.LimitBulkhead;
import dev.bulwark.agent.policy.bulkhead.SemaphoreBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Each policy's part in an invocation, written once for every driver: admission outermost first (breaker,
 * rate limiter, bulkhead), completion innermost first (bulkhead, timeout, breaker), the retry decision and the
 * fallback decision, and innermost the chaos experiments' injections. The drivers differ only in how they wait and how a deadline reaches the body: the
 * synchronous {@link ChainDispatcher} parks its thread and lets the watchdog interrupt it; {@link AsyncInvocation}
 * schedules the wait and completes its stage from a timer. Everything a policy decides is decided here.
 *
 * <p>Every method works on the invocation's {@link Call} and is small, so that the JIT inlines the synchronous
 * driver's whole admission into the woven method.
 */
final class PolicySteps {
    static final DoubleSupplier RANDOM = () -> ThreadLocalRandom.current().nextDouble();
    /** What {@link #nextAttemptDelay} returns when the loop ends; the call's {@code loopOutcome} says how. */
    static final long NO_RETRY = -1L;

    private final PolicyRegistry registry;
    private final CallObserver observer;
    private volatile Unwrapping unwrapping = Unwrapping.defaults();

    PolicySteps(PolicyRegistry registry, CallObserver observer) {
        this.registry = registry;
        this.observer = observer;
    }

    /** The wrappers every exception matcher looks through from now on. */
    void unwrapping(Unwrapping unwrapping) {
        this.unwrapping = unwrapping;
    }

    /**
     * The type every exception matcher judges {@code thrown} by: its first cause that is not a wrapper. Read
     * only for a failure, so a success pays nothing for it.
     */
    Class<? extends Throwable> judgedType(Throwable thrown) {
        return unwrapping.judgedType(thrown);
    }

    /** An invocation of a site whose retries draw on a budget starts: its first attempt deposits into it. */
    void firstAttempt(SiteChain chain) {
        if (chain.retryBudget != null) {
            chain.retryBudget.deposit();
        }
    }

    /**
     * Takes the attempt's breaker permit; false, with the attempt rejected, when the breaker refuses it. A keyed
     * breaker's new key that finds no room runs without a breaker: a fresh breaker would let it through too.
     */
    boolean admitBreaker(Call call) {
        SiteChain chain = call.site;
        CircuitBreaker breaker = chain.breaker;
        if (breaker == null) {
            breaker = chain.keyedBreakers.get(call.breakerKey);
            if (breaker == null) {
                BulwarkLog.warnOnce("keys " + chain.name, "circuit breaker of " + chain.name + ": max-keys breakers"
                        + " are in use; calls of new keys run without a breaker until idle ones are evicted");
                return true;
            }
        } else if (!chain.breakerExposed) {
            chain.breakerExposed = true;
            registry.exposeOverJmx(breaker, chain.breakerScope);
        }
        call.breaker = breaker;
        call.breakerStartNanos = breaker.nanoTime();
        call.breakerPermit = breaker.tryAcquirePermission(call.breakerStartNanos);
        if (call.breakerPermit >= 0) {
            return true;
        }
        call.breakerPermit = Call.NO_PERMIT;
        reject(call, ChainRejection.CIRCUIT_OPEN, breaker.name(), breaker.retryAfterNanos(call.breakerStartNanos));
        return false;
    }

    /**
     * Reserves the attempt's rate permit: 0 when it is good now, how long to wait for it, or negative when the
     * limiter refuses (the driver then reports the refusal through {@link #rateDecided}).
     */
    long reserveRate(Call call, long now) {
        SiteChain chain = call.site;
        return chain.keyedLimiter != null
                ? chain.keyedLimiter.reserve(call.rateKey, now, chain.limiterSpec.maxWaitNanos())
                : chain.limiter.reserve(now, chain.limiterSpec.maxWaitNanos());
    }

    /** A counted call of a shared site was admitted by its limiter or bulkhead (it has at most one of the two). */
    void sharedAdmitted(SiteChain chain) {
        if (chain.limiter != null) {
            chain.metrics.rateLimiter(true, chain.sharedLimiter == null ? RateScope.LOCAL : chain.sharedLimiter.decidedBy());
        } else if (chain.bulkhead != null) {
            chain.metrics.bulkhead(true, 0);
        }
    }

    /**
     * Whether the attempt got its rate permit (a wait interrupted counts as refused); a refusal rejects it.
     *
     * @param retryAfterNanos for a refusal, how long until the limiter would grant a permit; 0 when not known
     */
    boolean rateDecided(Call call, boolean permitted, long retryAfterNanos) {
        SiteChain chain = call.site;
        if (call.observed) {
            chain.metrics.rateLimiter(permitted,
                    chain.sharedLimiter == null ? RateScope.LOCAL : chain.sharedLimiter.decidedBy());
        }
        if (!permitted) {
            rejectInside(call, ChainRejection.RATE_LIMITED, chain.limiterSpec.name(), retryAfterNanos);
        }
        return permitted;
    }

    /**
     * The timeout of the attempt whose deadline starts at {@code now} (the exact clock): the fixed one, or what an
     * adaptive timeout learned so far.
     */
    long timeoutNanos(Call call, long now) {
        SiteChain chain = call.site;
        call.timedSinceNanos = now;
        return chain.adaptiveTimeout == null ? chain.timeout.timeoutNanos() : chain.adaptiveTimeout.currentNanos();
    }

    /**
     * Reads what the chain needs of a call's arguments: the keys of its rate limiter, breaker and bulkhead, its
     * bulkhead partition and which chaos experiments apply. Only for a site that {@link SiteChain#readsArguments
     * reads them}.
     */
    void readArguments(Call call, Object[] arguments) {
        SiteChain chain = call.site;
        if (chain.keyedLimiter != null) {
            call.rateKey = chain.rateKey.extract(arguments);
        }
        if (chain.keyedBreakers != null) {
            call.breakerKey = chain.breakerKey.extract(arguments);
        }
        if (chain.keyedBulkheads != null) {
            call.bulkheadKey = chain.bulkheadKey.extract(arguments);
        }
        if (chain.partitionKey != null) {
            call.bulkheadPartition = chain.limitBulkhead.partitionOf(chain.partitionKey.extract(arguments));
        }
        if (chain.chaos != null) {
            call.chaosMask = chain.chaos.applying(arguments);
        }
    }

    /**
     * Takes a slot of the bulkhead if one is free now. A keyed bulkhead is looked up first (a new key finding no
     * room gets no bulkhead and is refused); one retired since it was found is looked up again.
     */
    boolean tryBulkhead(Call call) {
        SiteChain chain = call.site;
        LimitBulkhead limited = chain.limitBulkhead;
        if (limited != null) {
            if (!limited.tryAcquire(call.bulkheadPartition)) {
                return false;
            }
            call.bulkheadStartNanos = limited.nanoTime();
            call.holdsBulkhead = true;
            return true;
        }
        if (chain.keyedBulkheads == null) {
            if (call.bulkhead.tryAcquire()) {
                call.holdsBulkhead = true;
                return true;
            }
            return false;
        }
        for (;;) {
            SemaphoreBulkhead bulkhead = chain.keyedBulkheads.get(call.bulkheadKey);
            call.bulkhead = bulkhead;
            if (bulkhead == null) {
                return false;
            }
            if (bulkhead.tryAcquire()) {
                call.holdsBulkhead = true;
                return true;
            }
            if (!bulkhead.retired()) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Waits up to {@code waitNanos} for a bulkhead slot, parked; for a keyed one, a slot of the bulkhead
     * {@link #tryBulkhead} found.
     *
     * @throws InterruptedException when the thread is interrupted before or while waiting
     */
    boolean awaitBulkhead(Call call, long waitNanos) throws InterruptedException {
        LimitBulkhead limited = call.site.limitBulkhead;
        if (limited == null) {
            // A keyed bulkhead's new key that found no room has none to wait for.
            call.holdsBulkhead = call.bulkhead != null && call.bulkhead.acquire(waitNanos);
        } else if (limited.acquire(call.bulkheadPartition, waitNanos)) {
            call.bulkheadStartNanos = limited.nanoTime();
            call.holdsBulkhead = true;
        }
        return call.holdsBulkhead;
    }

    /** Gives back the attempt's slot; {@code timedOut} tells an adaptive bulkhead that the call ran too long. */
    private static void releaseBulkhead(Call call, boolean timedOut) {
        call.holdsBulkhead = false;
        SiteChain chain = call.site;
        if (chain.limitBulkhead != null) {
            chain.limitBulkhead.release(call.bulkheadPartition, call.bulkheadStartNanos, timedOut);
        } else {
            call.bulkhead.release();
        }
    }

    /**
     * How long, from {@code now}, the attempt may wait for a bulkhead slot: the bulkhead's {@code maxWait}, but
     * never past the attempt's deadline, since a timeout bounds everything inside it.
     */
    long bulkheadWaitNanos(Call call, long now) {
        long maxWait = call.site.bulkheadSpec.maxWaitNanos();
        return call.timed ? Math.min(maxWait, Math.max(0L, call.deadlineNanos - now)) : maxWait;
    }

    /**
     * Whether the attempt got its slot; when not, it is rejected by its timeout if that ran out while it waited,
     * otherwise by the bulkhead.
     */
    void bulkheadDecided(Call call, boolean permitted, boolean timedOut) {
        SiteChain chain = call.site;
        if (call.observed) {
            chain.metrics.bulkhead(permitted, call.bulkheadPartition);
        }
        if (permitted) {
            return;
        }
        if (timedOut) {
            chain.metrics.timeout(call.observation, true);
            rejectInside(call, ChainRejection.TIMED_OUT, chain.name, 0L);
        } else {
            rejectInside(call, ChainRejection.BULKHEAD_FULL, chain.bulkheadSpec.name(), 0L);
        }
    }

    /**
     * Draws what the chaos experiments inject into the attempt, innermost, after every permit was taken: returns
     * the delay (0 for none), which the driver waits out as a slow body would take it, so a timeout cuts it; and
     * leaves in the call's {@code injectedFault} the exception that replaces the body after the delay, or null.
     * Every policy outside sees that fault as the body's own failure. While the kill switch is off, the switch is
     * all it reads.
     */
    long chaos(Call call) {
        SiteChaos chaos = call.site.chaos;
        call.injectedFault = null;
        if (!chaos.on()) {
            return 0L;
        }
        long delay = chaos.drawDelay(call.chaosMask);
        if (delay > 0) {
            call.site.metrics.chaosInjected(false);
            observer.chaosInjected(traced(call), call.site.name, false);
        }
        Throwable fault = chaos.drawFault(call.chaosMask);
        if (fault != null) {
            call.site.metrics.chaosInjected(true);
            observer.chaosInjected(traced(call), call.site.name, true);
            call.injectedFault = fault;
        }
        return delay;
    }

    /** A policy inside the breaker rejected the attempt: the breaker sees that rejection as the outcome. */
    void rejectInside(Call call, ChainRejection rejection, String policy, long retryAfterNanos) {
        if (call.breakerPermit != Call.NO_PERMIT) {
            CircuitBreaker breaker = call.breaker;
            breaker.onComplete(call.breakerPermit, rejection.type, 0, breaker.nanoTime());
            call.breakerPermit = Call.NO_PERMIT;
        }
        reject(call, rejection, policy, retryAfterNanos);
    }

    private void reject(Call call, ChainRejection rejection, String policy, long retryAfterNanos) {
        call.skipBody = true;
        call.rejection = rejection.kind;
        call.rejectingPolicy = policy;
        call.rejectionRetryAfterNanos = retryAfterNanos;
        observer.rejected(traced(call), policy, rejection.observed);
    }

    /**
     * Judges what an attempt returned by the site's checks, for the retry and for the breaker; true when either
     * finds it a failure. Only for a site that {@link SiteChain#judgesResult judges results}.
     */
    boolean resultFailed(Call call, Object result, Class<?> declaringType, Object self) {
        SiteChain chain = call.site;
        call.retryableResult = chain.retryOnResult != null && chain.retryOnResult.test(result, declaringType, self);
        call.recordableResult = chain.recordOnResult != null && chain.recordOnResult.test(result, declaringType, self);
        if (call.failedResult()) {
            call.rejectingPolicy = chain.name;
            return true;
        }
        return false;
    }

    /**
     * Judges the result of a shared invocation ({@link StatelessEntry}) before it has a frame: only its retry's
     * check applies, since a site with a breaker is never shared.
     */
    boolean sharedResultFailed(SiteChain chain, Object result, Class<?> declaringType, Object self) {
        return chain.retryOnResult != null && chain.retryOnResult.test(result, declaringType, self);
    }

    /** The frame that takes on a shared invocation whose result failed carries that verdict. */
    void sharedResultFailed(Call call) {
        call.retryableResult = true;
        call.rejectingPolicy = call.site.name;
    }

    /**
     * Ends an attempt that ran its body, innermost first: gives back its bulkhead slot, reports its timeout (when
     * {@code timed}) and records its outcome with the breaker. Returns the kind bits of the timeout when the
     * attempt ran past its deadline, else 0.
     *
     * @param failure the type the attempt's exception is judged by ({@link #judgedType}), or null; a timeout
     *                replaces it, and a result the breaker's check judged a failure counts as one
     * @param now     when the attempt ended, on the exact clock; read by the driver at least for an adaptive timeout
     */
    int completeAttempt(Call call, Class<? extends Throwable> failure, boolean timed, boolean timedOut, long now) {
        SiteChain chain = call.site;
        if (call.holdsBulkhead) {
            releaseBulkhead(call, timedOut);
        }
        int rejection = 0;
        if (timed) {
            if (call.observed) {
                chain.metrics.timeout(call.observation, timedOut);
            }
            if (chain.adaptiveTimeout != null) {
                learnLatency(call, failure == null, timedOut, now);
            }
            if (timedOut) {
                rejection = BulwarkBridge.TIMED_OUT;
                call.rejectingPolicy = chain.name;
                observer.rejected(traced(call), chain.name, CallObserver.Rejection.TIMEOUT);
            }
        }
        if (rejection != 0) {
            // The attempt's outcome is its timeout, whatever it returned.
            call.retryableResult = false;
            call.recordableResult = false;
        }
        if (call.breakerPermit != Call.NO_PERMIT) {
            Class<? extends Throwable> outcome = rejection != 0 ? ChainRejection.TIMED_OUT.type
                    : call.recordableResult ? CircuitBreaker.RESULT_FAILURE : failure;
            long end = call.breaker.nanoTime();
            call.breaker.onComplete(call.breakerPermit, outcome, end - call.breakerStartNanos, end);
            call.breakerPermit = Call.NO_PERMIT;
        }
        return rejection;
    }

    /** An adaptive timeout learns from attempts that succeeded in time and from those that ran out of it. */
    private static void learnLatency(Call call, boolean succeeded, boolean timedOut, long now) {
        long latency = now - call.timedSinceNanos;
        if (timedOut) {
            call.site.adaptiveTimeout.timedOut(latency, now);
        } else if (succeeded) {
            call.site.adaptiveTimeout.succeeded(latency, now);
        }
    }

    /** Gives back whatever an invocation broken by a fault of ours holds (its timeout frame is the driver's). */
    void releaseAll(Call call) {
        SiteChain chain = call.site;
        if (chain == null) {
            return;
        }
        if (call.holdsBulkhead) {
            releaseBulkhead(call, false);
        }
        if (call.breakerPermit != Call.NO_PERMIT) {
            call.breaker.releasePermission(call.breakerPermit);
            call.breakerPermit = Call.NO_PERMIT;
        }
    }

    /**
     * The invocation's handle, for an event to report or before it leaves its thread: an eventful invocation
     * ({@link CallObserver#EVENTFUL}) gets the record of its span now, on its own thread.
     */
    Object traced(Call call) {
        if (call.observation == CallObserver.EVENTFUL) {
            call.observation = observer.invocationTraced(call.site.name, call.invocationStartNanos);
        }
        return call.observation;
    }

    /** A fault of ours ended the invocation early: it gives back what it holds, and telemetry closes it. */
    void abandoned(Call call) {
        releaseAll(call);
        observer.invocationAbandoned(call.observation);
    }

    /** A successful attempt ends the retry loop. */
    void succeeded(Call call) {
        SiteChain chain = call.site;
        if (chain.retry != null && call.observed) {
            chain.metrics.retryFinished(chain.retryVerdict(null, false, call.attempt));
        }
    }

    /**
     * After an attempt that ended with {@code failure} (its exception type, or a rejection's): the delay before
     * the next attempt, which then starts with the attempt number advanced; or {@link #NO_RETRY} with the call's
     * {@code loopOutcome} set. The delay is the backoff's, or what the exception asks for through
     * {@code delayFrom}, and at least the {@code retryAfter} of a rate limiter's or breaker's refusal. A next
     * attempt must start before the retry's {@code maxDuration} and before {@code enclosingDeadline} run out;
     * when the delay does not fit, the loop ends at once.
     *
     * @param thrown    the exception the body ended with, or null when it was rejected or returned a failed result
     * @param failure   the type it is judged by ({@link #judgedType}), or the rejection's; ignored for a failed
     *                  result, which only the retry's own check makes worth another attempt
     * @param rejection the kind bits of the attempt's rejection, 0 when its body ran
     */
    long nextAttemptDelay(Call call, Throwable thrown, Class<? extends Throwable> failure, int rejection, long now,
                          long enclosingDeadline) {
        SiteChain chain = call.site;
        CallObserver.RetryOutcome verdict = call.failedResult()
                ? chain.resultVerdict(call.retryableResult, call.attempt)
                : chain.retryVerdict(failure, rejection == BulwarkBridge.CIRCUIT_OPEN, call.attempt);
        if (verdict != null) {
            call.loopOutcome = verdict;
            return NO_RETRY;
        }
        long delay = chain.retry.delayNanos(call.attempt, call.previousDelayNanos, RANDOM);
        if (rejection == BulwarkBridge.CIRCUIT_OPEN || rejection == BulwarkBridge.RATE_LIMITED) {
            delay = Math.max(delay, call.rejectionRetryAfterNanos);
        } else if (thrown != null) {
            Throwable judged = unwrapping.judged(thrown);
            delay = Math.max(chain.retry.delayFor(judged, delay), RetryAfter.nanosOf(judged));
        }
        if (!chain.retry.nextAttemptFits(delay, now, call.invocationStartNanos, enclosingDeadline)) {
            call.loopOutcome = CallObserver.RetryOutcome.EXHAUSTED;
            return NO_RETRY;
        }
        if (chain.retryBudget != null && !chain.retryBudget.tryWithdraw()) {
            call.loopOutcome = CallObserver.RetryOutcome.BUDGET_EXHAUSTED;
            return NO_RETRY;
        }
        call.previousDelayNanos = delay;
        return delay;
    }

    /** The next attempt starts now. */
    void retrying(Call call) {
        call.attempt++;
        call.retryableResult = false;
        call.recordableResult = false;
        call.site.metrics.retryAttempt();
        observer.retryAttempt(traced(call), call.site.retry.spec().name(), call.attempt);
    }

    /** The retry loop ended, as {@code outcome} says (ignored for a site without retry). */
    void retryFinished(Call call, CallObserver.RetryOutcome outcome) {
        SiteChain chain = call.site;
        if (chain.retry != null) {
            chain.metrics.retryFinished(outcome);
        }
    }

    /**
     * Whether the site's fallback takes the failure: {@code applyOn} and {@code skipOn} judge it by
     * {@code judged}, while the fallback's own failure parameter must accept the exception as thrown,
     * {@code thrown}, since that is what it receives. A result judged a failure goes to it only with
     * {@code applyOnResult}.
     */
    boolean fallbackApplies(Call call, Class<? extends Throwable> judged, Class<? extends Throwable> thrown) {
        if (call.failedResult()) {
            return call.site.fallbackAppliesToResult();
        }
        return judged != null && call.site.fallbackApplies(judged, thrown);
    }

    /** The invocation goes to its fallback. */
    void fallingBack(SiteChain chain, Object observation) {
        chain.metrics.fallback();
        observer.fallback(observation, chain.name);
    }

    /**
     * Runs the site's fallback method for {@code failure}; its result or exception is the caller's. A fallback
     * method that cannot be called is reported once, and the failure goes to the caller.
     */
    Object invokeFallback(SiteChain chain, Class<?> declaringType, Object self, Object[] arguments, Throwable failure)
            throws Throwable {
        try {
            return chain.fallback.invoke(declaringType, self, arguments, failure);
        } catch (SiblingMethod.Unresolvable e) {
            BulwarkLog.errorOnce("fallback " + chain.name, e.getMessage() + "; the failure of " + chain.name
                    + " goes to the caller", e);
            throw failure;
        }
    }

    /**
     * The invocation ends; {@code durationNanos} is negative when it was not timed. Told only of an invocation
     * the observer recorded from its start (the call's frame may be reused by then, so the caller passes what it
     * needs of it); one it only counts ({@link CallObserver#COUNTING}), or an eventful one to which nothing
     * happened, ends in its site's counts alone.
     */
    void finished(boolean observed, Object observation, SiteChain chain, long durationNanos,
                  Class<? extends Throwable> failure, Throwable thrown) {
        if (observed) {
            chain.metrics.finished(durationNanos, failure != null);
            if (observation != CallObserver.COUNTING && observation != CallObserver.EVENTFUL) {
                observer.invocationFinished(observation, chain.name, durationNanos, failure, thrown);
            }
        }
    }
}
