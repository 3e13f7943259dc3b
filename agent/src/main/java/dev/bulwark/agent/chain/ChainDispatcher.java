package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.TimeoutExceededException;
import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Dispatcher;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.timeout.DeadlineClock;
import dev.bulwark.agent.policy.timeout.DeadlineSlot;
import dev.bulwark.agent.policy.timeout.Watchdog;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;

/**
 * Runs the chain of SPEC §4 around every woven call: Fallback → Retry → CircuitBreaker → RateLimited →
 * Timeout → Bulkhead → body. The advice calls {@link #enter} once per invocation and {@link #exit} after
 * every attempt; per-attempt permits are taken here, on the exit side, before the advice repeats the body.
 *
 * <p>A rejection by an inner policy is an outcome like any exception for the policies outside it: the
 * breaker records a {@code BulkheadFullException} from an inner bulkhead, and the retry may retry it.
 */
public final class ChainDispatcher extends Dispatcher {
    static final DoubleSupplier RANDOM = () -> ThreadLocalRandom.current().nextDouble();
    /** A {@code now} the exit path did not read. */
    private static final long NOT_READ = Long.MIN_VALUE;
    /**
     * How far from its deadline an attempt must end for the millisecond clock alone to clear it of a timeout.
     * That clock trails the exact one by a tick, by more only while its thread gets no CPU for this long.
     */
    private static final long NEAR_DEADLINE_NANOS = 100_000_000L;

    private final CallSites sites;
    private final PolicyRegistry registry;
    private final NanoClock clock;
    private final NanoClock millisecondClock;
    private final Watchdog watchdog;
    private final DeadlineClock deadlineClock;
    private final CallObserver observer;
    private final ThreadLocal<CallStack> stacks = ThreadLocal.withInitial(CallStack::new);
    private final AsyncRuntime async;

    /**
     * @param clock            the exact clock, for rate limiters, deadlines, retry delays and telemetry
     * @param millisecondClock a cheaper clock trailing it by about a millisecond, that only tells an attempt which
     *                         ended far before its deadline from one that may not have
     */
    public ChainDispatcher(CallSites sites, PolicyRegistry registry, NanoClock clock, NanoClock millisecondClock,
                           Watchdog watchdog, CallObserver observer) {
        this.sites = sites;
        this.registry = registry;
        this.clock = clock;
        this.millisecondClock = millisecondClock;
        this.watchdog = watchdog;
        this.deadlineClock = registry.deadlineClock();
        this.observer = observer;
        this.async = new AsyncRuntime(clock, observer, chain -> stacks.get().bypass = chain);
    }

    @Override
    public Invocation enter(int site) {
        SiteChain chain = sites.get(site);
        if (chain == null) {
            return null;
        }
        if (chain.statelessEntry != null) {
            Object observation = observer.invocationStarted(chain.name);
            if (observation == CallObserver.NOT_RECORDING && admitsShared(chain)) {
                return chain.statelessEntry;
            }
            return begin(chain, stacks.get(), observation);
        }
        CallStack stack = stacks.get();
        if (stack.bypass == chain) {
            stack.bypass = null;
            return null;
        }
        return begin(chain, stack, observer.invocationStarted(chain.name));
    }

    /**
     * Admits a call that shares its site's invocation: a permit of its limiter or a slot of its bulkhead (a
     * shared site has at most one of the two). A refusal takes nothing; the call is then admitted again in a
     * frame of its own, which reports the rejection or waits for the slot.
     */
    private boolean admitsShared(SiteChain chain) {
        if (chain.limiter != null) {
            return chain.limiter.reserve(clock.nanoTime(), 0L) == 0;
        }
        return chain.bulkhead == null || chain.bulkhead.tryAcquire();
    }

    private Call begin(SiteChain chain, CallStack stack, Object observation) {
        Call call = stack.push(chain);
        call.observed = observation != CallObserver.NOT_RECORDING;
        call.observation = call.observed ? observation : null;
        long now = NOT_READ;
        if (chain.readsClockOnEntry || call.observed) {
            now = clock.nanoTime();
            call.invocationStartNanos = now;
        }
        if (call.asynchronous) {
            call.skipBody = true;
        } else if (!call.wantsArguments) {
            admit(call, now);
        }
        return call;
    }

    @Override
    public void admit(Invocation invocation, Object[] arguments) {
        Call call = (Call) invocation;
        call.rateKey = call.site.rateKey.extract(arguments);
        admit(call, clock.nanoTime());
    }

    /**
     * Takes the permits of one attempt, outermost first; on a rejection releases what it took. One small method
     * per policy, so that the JIT inlines the whole admission into the woven call instead of calling it.
     */
    private void admit(Call call, long now) {
        SiteChain chain = call.site;
        call.skipBody = false;
        call.rejection = 0;
        if (chain.breaker != null && !takeBreakerPermit(call)) {
            return;
        }
        if (chain.limiterSpec != null) {
            now = takeRatePermit(call, now);
            if (call.skipBody) {
                return;
            }
        }
        if (chain.timeout != null) {
            DeadlineSlot deadlines = call.stack.deadlines(watchdog);
            long timeout = chain.timeout.timeoutNanos();
            // Not read only where the timeout is rough: see SiteChain.readsClockOnEntry.
            call.deadlineNanos = now == NOT_READ
                    ? deadlines.enterUntil(deadlineClock.roughDeadline(timeout), chain.timeout.interrupt())
                    : deadlines.enter(now, timeout, chain.timeout.interrupt());
            call.timed = true;
        }
        if (chain.bulkhead != null) {
            takeBulkheadSlot(call);
        }
    }

    private boolean takeBreakerPermit(Call call) {
        CircuitBreaker breaker = call.site.breaker;
        if (!call.site.breakerExposed) {
            call.site.breakerExposed = true;
            registry.exposeOverJmx(breaker);
        }
        call.breakerStartNanos = breaker.nanoTime();
        call.breakerPermit = breaker.tryAcquirePermission(call.breakerStartNanos);
        if (call.breakerPermit >= 0) {
            return true;
        }
        call.breakerPermit = Call.NO_PERMIT;
        reject(call, BulwarkBridge.CIRCUIT_OPEN, breaker.name());
        return false;
    }

    /** Returns the time after the permit came, which is later than {@code now} when the limiter made it wait. */
    private long takeRatePermit(Call call, long now) {
        SiteChain chain = call.site;
        long wait = chain.keyedLimiter != null
                ? chain.keyedLimiter.reserve(call.rateKey, now, chain.limiterSpec.maxWaitNanos())
                : chain.limiter.reserve(now, chain.limiterSpec.maxWaitNanos());
        boolean permitted = wait == 0 || (wait > 0 && pause(wait));
        if (call.observed) {
            observer.rateLimiter(chain.limiterSpec.name(), permitted);
        }
        if (!permitted) {
            rejectInside(call, BulwarkBridge.RATE_LIMITED, RateLimitedException.class, chain.limiterSpec.name());
            return now;
        }
        return wait > 0 ? clock.nanoTime() : now;
    }

    private void takeBulkheadSlot(Call call) {
        SiteChain chain = call.site;
        boolean permitted = acquireBulkhead(call);
        if (call.observed) {
            observer.bulkhead(chain.bulkheadSpec.name(), permitted);
        }
        if (!permitted) {
            if (call.timed && closeTimeout(call, clock.nanoTime())) {
                observer.timeout(call.observation, chain.name, true);
                rejectInside(call, BulwarkBridge.TIMED_OUT, TimeoutExceededException.class, chain.name);
            } else {
                rejectInside(call, BulwarkBridge.BULKHEAD_FULL, BulkheadFullException.class, chain.bulkheadSpec.name());
            }
        }
    }

    private boolean acquireBulkhead(Call call) {
        SiteChain chain = call.site;
        if (chain.bulkhead.tryAcquire()) {
            call.holdsBulkhead = true;
            return true;
        }
        long maxWait = chain.bulkheadSpec.maxWaitNanos();
        if (maxWait <= 0) {
            return false;
        }
        try {
            call.holdsBulkhead = chain.bulkhead.acquire(maxWait);
        } catch (InterruptedException interrupted) {
            // The interrupt belongs to whoever sent it (the caller, or our own watchdog); keep it visible.
            Thread.currentThread().interrupt();
        }
        return call.holdsBulkhead;
    }

    /** A policy inside the breaker rejected the attempt: the breaker sees that rejection as the outcome. */
    private void rejectInside(Call call, int kind, Class<? extends Throwable> type, String policy) {
        if (call.breakerPermit != Call.NO_PERMIT) {
            CircuitBreaker breaker = call.site.breaker;
            breaker.onComplete(call.breakerPermit, type, 0, breaker.nanoTime());
            call.breakerPermit = Call.NO_PERMIT;
        }
        reject(call, kind, policy);
    }

    private void reject(Call call, int kind, String policy) {
        call.skipBody = true;
        call.rejection = kind;
        call.rejectingPolicy = policy;
        observer.rejected(call.observation, policy, rejectionOf(kind));
    }

    private static CallObserver.Rejection rejectionOf(int kind) {
        switch (kind) {
            case BulwarkBridge.CIRCUIT_OPEN:
                return CallObserver.Rejection.CIRCUIT_BREAKER;
            case BulwarkBridge.BULKHEAD_FULL:
                return CallObserver.Rejection.BULKHEAD;
            case BulwarkBridge.RATE_LIMITED:
                return CallObserver.Rejection.RATE_LIMITER;
            default:
                return CallObserver.Rejection.TIMEOUT;
        }
    }

    @Override
    public Invocation endStateless(Invocation invocation, Throwable thrown) {
        SiteChain chain = ((StatelessEntry) invocation).chain;
        if (thrown != null) {
            Call call = stacks.get().push(chain);
            call.holdsBulkhead = chain.bulkhead != null;
            return call;
        }
        if (chain.bulkhead != null) {
            chain.bulkhead.release();
        }
        return null;
    }

    /**
     * The attempt that returned normally and ran in time is the common case: it is kept apart from the rest
     * (retries, rejections, fallbacks) so that the JIT inlines it into the woven call.
     */
    @Override
    public int exit(Invocation invocation, Throwable thrown) {
        Call call = (Call) invocation;
        if (thrown != null || call.skipBody) {
            long now = clock.nanoTime();
            return conclude(call, thrown, call.skipBody ? call.rejection : completeAttempt(call, thrown, now), now);
        }
        // A success needs the time only for the observer, or for its retry decision if it timed out after all.
        long now = call.observed ? clock.nanoTime() : NOT_READ;
        int rejection = completeAttempt(call, null, now);
        if (rejection != 0) {
            return conclude(call, null, rejection, now == NOT_READ ? clock.nanoTime() : now);
        }
        SiteChain chain = call.site;
        if (chain.retry != null && call.observed) {
            observer.retryFinished(chain.retry.spec().name(), chain.retryVerdict(null, false, call.attempt));
        }
        finished(call, now, null, null);
        call.stack.pop(call);
        return BulwarkBridge.PROCEED;
    }

    /** The verdict on an attempt that failed or was rejected: retry it, fall back, or give its failure to the caller. */
    private int conclude(Call call, Throwable thrown, int rejection, long now) {
        Class<? extends Throwable> failure = rejection != 0 ? typeOf(rejection) : thrown == null ? null : thrown.getClass();
        CallObserver.RetryOutcome retryOutcome;
        while ((retryOutcome = retryOutcome(call, failure, rejection, now)) == null) {
            call.attempt++;
            observer.retryAttempt(call.observation, call.site.retry.spec().name(), call.attempt);
            now = clock.nanoTime();
            admit(call, now);
            if (!call.skipBody) {
                return BulwarkBridge.REPEAT;
            }
            rejection = call.rejection;
            failure = typeOf(rejection);
        }
        SiteChain chain = call.site;
        if (chain.retry != null) {
            observer.retryFinished(chain.retry.spec().name(), retryOutcome);
        }
        boolean fallback = failure != null && chain.fallbackApplies(failure);
        if (!fallback) {
            finished(call, now, failure, thrown);
        }
        if (failure == null || (rejection == 0 && !fallback)) {
            call.stack.pop(call);
            return BulwarkBridge.PROCEED;
        }
        if (rejection == BulwarkBridge.TIMED_OUT) {
            call.rejectingPolicy = chain.name;
        }
        return (fallback ? BulwarkBridge.FALLBACK : BulwarkBridge.THROW) | rejection;
    }

    private void finished(Call call, long now, Class<? extends Throwable> failure, Throwable thrown) {
        if (call.observed) {
            observer.invocationFinished(call.observation, call.site.name, now - call.invocationStartNanos, failure, thrown);
        }
    }

    /** Releases the attempt's permits, innermost first; returns the timeout kind when it ran past its deadline. */
    private int completeAttempt(Call call, Throwable thrown, long now) {
        SiteChain chain = call.site;
        if (call.holdsBulkhead) {
            call.holdsBulkhead = false;
            chain.bulkhead.release();
        }
        int rejection = 0;
        if (call.timed) {
            boolean timedOut = closeTimeout(call, now);
            if (call.observed) {
                observer.timeout(call.observation, chain.name, timedOut);
            }
            if (timedOut) {
                rejection = BulwarkBridge.TIMED_OUT;
                observer.rejected(call.observation, chain.name, CallObserver.Rejection.TIMEOUT);
            }
        }
        if (call.breakerPermit != Call.NO_PERMIT) {
            Class<? extends Throwable> outcome = rejection != 0 ? TimeoutExceededException.class
                    : thrown == null ? null : thrown.getClass();
            long end = chain.breaker.nanoTime();
            chain.breaker.onComplete(call.breakerPermit, outcome, end - call.breakerStartNanos, end);
            call.breakerPermit = Call.NO_PERMIT;
        }
        return rejection;
    }

    /** Closes the attempt's timeout frame; true when the attempt ran past its deadline. */
    private boolean closeTimeout(Call call, long now) {
        call.timed = false;
        boolean interrupted = call.stack.deadlines(watchdog).exit();
        return interrupted || pastDeadline(call.deadlineNanos, now);
    }

    /**
     * With {@code now} not read, the exact clock is read only when the cheap one puts the deadline near; a
     * deadline reached is checked against how it was counted, which may put it off.
     */
    private boolean pastDeadline(long deadline, long now) {
        if (now == NOT_READ) {
            if (deadline - millisecondClock.nanoTime() > NEAR_DEADLINE_NANOS) {
                return false;
            }
            now = clock.nanoTime();
        }
        return now - deadline >= 0 && now - deadlineClock.dueAt(deadline) >= 0;
    }

    /**
     * Null when the failed attempt is to be retried, after waiting its backoff; otherwise how the retry loop
     * ends (reported even for a site without retry, where it is simply ignored).
     */
    private CallObserver.RetryOutcome retryOutcome(Call call, Class<? extends Throwable> failure, int rejection, long now) {
        SiteChain chain = call.site;
        CallObserver.RetryOutcome verdict = chain.retryVerdict(failure, rejection == BulwarkBridge.CIRCUIT_OPEN, call.attempt);
        if (verdict != null) {
            return verdict;
        }
        long delay = chain.retry.delayNanos(call.attempt, call.previousDelayNanos, RANDOM);
        if (!chain.retry.nextAttemptFits(delay, now, call.invocationStartNanos, call.stack.enclosingDeadline())) {
            return CallObserver.RetryOutcome.EXHAUSTED;
        }
        call.previousDelayNanos = delay;
        return delay == 0 || pause(delay) ? null : CallObserver.RetryOutcome.ABORTED;
    }

    /** Waits on the calling thread; false when interrupted, with the interrupt left set for the caller. */
    private boolean pause(long nanos) {
        long end = clock.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - clock.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    private static Class<? extends Throwable> typeOf(int rejection) {
        switch (rejection) {
            case BulwarkBridge.CIRCUIT_OPEN:
                return CircuitOpenException.class;
            case BulwarkBridge.BULKHEAD_FULL:
                return BulkheadFullException.class;
            case BulwarkBridge.RATE_LIMITED:
                return RateLimitedException.class;
            case BulwarkBridge.TIMED_OUT:
                return TimeoutExceededException.class;
            default:
                return null;
        }
    }

    @Override
    public Object fallback(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments,
                           Throwable failure) throws Throwable {
        Call call = (Call) invocation;
        SiblingMethod fallback = call.site.fallback;
        String site = call.site.name;
        Object observation = call.observation;
        long start = call.observed ? call.invocationStartNanos : Long.MIN_VALUE;
        call.stack.pop(call);
        observer.fallback(observation, site);
        try {
            Object result = invokeFallback(fallback, declaringType, self, arguments, failure, site);
            observer.invocationFinished(observation, site, durationSince(start), null, null);
            return result;
        } catch (Throwable fallbackFailure) {
            observer.invocationFinished(observation, site, durationSince(start), fallbackFailure.getClass(), fallbackFailure);
            throw fallbackFailure;
        }
    }

    @Override
    public Object async(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        Call call = (Call) invocation;
        SiteChain chain = call.site;
        Object observation = call.observation;
        long start = call.invocationStartNanos;
        call.stack.pop(call);
        observer.invocationDetached(observation);
        return new AsyncInvocation(async, chain, declaringType, self, arguments, observation, start).start();
    }

    private long durationSince(long start) {
        return start == Long.MIN_VALUE ? -1 : clock.nanoTime() - start;
    }

    private static Object invokeFallback(SiblingMethod fallback, Class<?> declaringType, Object self, Object[] arguments,
                                         Throwable failure, String site) throws Throwable {
        try {
            return fallback.invoke(declaringType, self, arguments, failure);
        } catch (SiblingMethod.Unresolvable e) {
            BulwarkLog.errorOnce("fallback " + site, e.getMessage() + "; the failure of " + site + " goes to the caller", e);
            throw failure;
        }
    }

    @Override
    public void finish(Invocation invocation) {
        Call call = (Call) invocation;
        call.stack.pop(call);
    }

    @Override
    public void internalError(Invocation invocation, Throwable error) {
        StackTraceElement[] where = error.getStackTrace();
        String key = error.getClass().getName() + (where.length > 0 ? "@" + where[0] : "");
        BulwarkLog.errorOnce(key, "internal error; the call runs unprotected: " + error, error);
        if (invocation instanceof Call) {
            abandon((Call) invocation);
        }
    }

    /** Gives back whatever a broken invocation holds, so a fault of ours never leaks a permit or an interrupt. */
    private void abandon(Call call) {
        SiteChain chain = call.site;
        try {
            if (chain != null && call.holdsBulkhead) {
                call.holdsBulkhead = false;
                chain.bulkhead.release();
            }
            if (call.timed) {
                call.timed = false;
                call.stack.deadlines(watchdog).exit();
            }
            if (chain != null && call.breakerPermit != Call.NO_PERMIT) {
                chain.breaker.releasePermission(call.breakerPermit);
                call.breakerPermit = Call.NO_PERMIT;
            }
            observer.invocationAbandoned(call.observation);
        } finally {
            call.stack.pop(call);
        }
    }
}
