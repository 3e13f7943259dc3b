package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Dispatcher;
import dev.bulwark.agent.bootstrap.FallbackThrew;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.Unwrapping;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.policy.timeout.DeadlineClock;
import dev.bulwark.agent.policy.timeout.DeadlineSlot;
import dev.bulwark.agent.policy.timeout.Watchdog;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.locks.LockSupport;

/**
 * The synchronous driver of the chain (Fallback → Retry → CircuitBreaker → RateLimited → Timeout → Bulkhead →
 * body) around every woven call; each policy's part is in {@link PolicySteps}. The advice calls {@link #enter}
 * once per invocation and {@link #exit} after every attempt; per-attempt permits are taken here, on the exit
 * side, before the advice repeats the body. Waits park the calling thread, and a timeout reaches the body as an
 * interrupt from the watchdog. Methods returning a {@code CompletionStage} are handed to {@link AsyncInvocation},
 * those returning a reactive type to {@link ReactiveInvocation}.
 *
 * <p>A rejection by an inner policy is an outcome like any exception for the policies outside it: the
 * breaker records a {@code BulkheadFullException} from an inner bulkhead, and the retry may retry it.
 */
public final class ChainDispatcher extends Dispatcher {
    /** A {@code now} the exit path did not read. */
    private static final long NOT_READ = Long.MIN_VALUE;
    /**
     * How far from its deadline an attempt must end for the millisecond clock alone to clear it of a timeout.
     * That clock trails the exact one by a tick, by more only while its thread gets no CPU for this long.
     */
    private static final long NEAR_DEADLINE_NANOS = 100_000_000L;

    private final CallSites sites;
    private final NanoClock clock;
    private final NanoClock millisecondClock;
    private final Watchdog watchdog;
    private final DeadlineClock deadlineClock;
    private final CallObserver observer;
    private final PolicySteps steps;
    /**
     * What a reactive publisher keeps of a method without parameters, whose calls would otherwise each keep an
     * array.
     */
    private static final Object[] NO_ARGUMENTS = {};
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
        this.clock = clock;
        this.millisecondClock = millisecondClock;
        this.watchdog = watchdog;
        this.deadlineClock = registry.deadlineClock();
        this.observer = observer;
        this.steps = new PolicySteps(registry, observer);
        this.async = new AsyncRuntime(clock, steps, stacks);
    }

    /**
     * How many threads at most run asynchronous invocations' retried bodies, fallbacks and completions; 0 for the
     * default. Takes effect for an executor not yet started, and resizes a running one.
     */
    public void asyncThreads(int threads) {
        async.threads(threads);
    }

    /** The wrappers ({@code bulwark.unwrap}) every exception matcher looks through from now on. */
    public void unwrapping(Unwrapping unwrapping) {
        steps.unwrapping(unwrapping);
    }

    @Override
    public Invocation enter(int site) {
        SiteChain chain = sites.get(site);
        if (chain == null) {
            return null;
        }
        if (chain.statelessEntry != null) {
            steps.firstAttempt(chain);
            Object observation = observer.invocationStarted(chain.name);
            if (observation == CallObserver.NOT_RECORDING && admitsShared(chain)) {
                return chain.statelessEntry;
            }
            if (observation == CallObserver.COUNTING || observation == CallObserver.EVENTFUL) {
                return beginCounted(chain, observation);
            }
            return begin(chain, stacks.get(), observation);
        }
        CallStack stack = stacks.get();
        if (stack.bypassSite == site) {
            stack.bypassSite = CallStack.NO_SITE;
            return null;
        }
        if (chain.reactiveEntry != null) {
            // Only assembled here: each subscription is a call of its own, observed from when it starts.
            return chain.reactiveEntry;
        }
        steps.firstAttempt(chain);
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

    /**
     * A call of a shared site that is only counted: admitted as a shared call is, into its thread's
     * {@link CountedEntry}, since on its way to success it has nothing to keep but its start; where the thread has
     * none free, into a frame that holds no more than that ({@link #beginCountedFrame}). A refusal is admitted
     * again in a full frame, which reports it; a failure hands the call over to a full frame ({@link #endStateless}).
     */
    private Invocation beginCounted(SiteChain chain, Object observation) {
        CountedEntry entry = chain.metrics.countedEntry();
        if (entry == null || entry.open) {
            return beginCountedFrame(chain, observation);
        }
        long start;
        if (chain.limiter != null) {
            start = clock.nanoTime();
            if (chain.limiter.reserve(start, 0L) != 0) {
                return begin(chain, stacks.get(), observation);
            }
            entry.limiterPermitted(chain.sharedLimiter == null ? RateScope.LOCAL : chain.sharedLimiter.decidedBy());
        } else {
            if (chain.bulkhead != null) {
                if (!chain.bulkhead.tryAcquire()) {
                    return begin(chain, stacks.get(), observation);
                }
                entry.bulkheadPermitted();
            }
            start = millisecondClock.nanoTime();
        }
        if (entry.chain == null) {
            entry.chain = chain;
            entry.judgesResult = chain.judgesResult;
        }
        entry.startNanos = start;
        if (entry.observation != observation) {
            // Never the same store at every call: a reference stored into an entry that has lived long enough costs
            // the collector's barrier, a full fence with G1, which is more than the rest of the counting.
            entry.observation = observation;
        }
        entry.open = true;
        return entry;
    }

    /** {@link #beginCounted} in a frame of the thread's stack, which holds the call's start alone. */
    private Call beginCountedFrame(SiteChain chain, Object observation) {
        long start;
        if (chain.limiter != null) {
            start = clock.nanoTime();
            if (chain.limiter.reserve(start, 0L) != 0) {
                return begin(chain, stacks.get(), observation);
            }
        } else {
            if (chain.bulkhead != null && !chain.bulkhead.tryAcquire()) {
                return begin(chain, stacks.get(), observation);
            }
            start = millisecondClock.nanoTime();
        }
        steps.sharedAdmitted(chain);
        return stacks.get().pushShared(chain, observation, start);
    }

    private Call begin(SiteChain chain, CallStack stack, Object observation) {
        Call call = stack.push(chain);
        call.observed = observation != CallObserver.NOT_RECORDING;
        call.observation = call.observed ? observation : null;
        long now = NOT_READ;
        if (chain.readsClockOnEntry || (call.observed && !call.onlyCounted())) {
            now = clock.nanoTime();
            call.invocationStartNanos = now;
        } else if (call.observed) {
            call.invocationStartNanos = millisecondClock.nanoTime();
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
        steps.readArguments(call, arguments);
        admit(call, clock.nanoTime());
    }

    /** Takes the permits of one attempt, outermost first; on a rejection the steps release what it took. */
    private void admit(Call call, long now) {
        SiteChain chain = call.site;
        call.skipBody = false;
        call.rejection = 0;
        call.injectedFault = null;
        if (chain.guarded() && !steps.admitBreaker(call)) {
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
            // Not read only where the timeout is rough: see SiteChain.readsClockOnEntry.
            long timeout = now == NOT_READ ? chain.timeout.timeoutNanos() : steps.timeoutNanos(call, now);
            call.deadlineNanos = now == NOT_READ
                    ? deadlines.enterUntil(deadlineClock.roughDeadline(timeout), chain.timeout.interrupt())
                    : deadlines.enter(now, timeout, chain.timeout.interrupt());
            call.timed = true;
        }
        if (chain.takesSlot) {
            takeBulkheadSlot(call);
        }
        if (chain.chaos != null && !call.skipBody) {
            injectChaos(call);
        }
    }

    /**
     * Waits out an injected delay on the calling thread, where the timeout's watchdog interrupts it as it would a
     * slow body; an interrupt ends the delay early, and the attempt goes on with the interrupt set. An injected
     * fault then takes the body's place: the advice skips it, and {@link #exit} takes the fault as its outcome.
     */
    private void injectChaos(Call call) {
        long delay = steps.chaos(call);
        if (delay > 0) {
            pause(delay);
        }
        if (call.injectedFault != null) {
            call.skipBody = true;
        }
    }

    /** Returns the time after the permit came, which is later than {@code now} when the limiter made it wait. */
    private long takeRatePermit(Call call, long now) {
        long wait = steps.reserveRate(call, now);
        boolean permitted = wait == 0 || (wait > 0 && pause(wait));
        steps.rateDecided(call, permitted, RateLimiter.retryAfterNanos(wait));
        return wait > 0 ? clock.nanoTime() : now;
    }

    private void takeBulkheadSlot(Call call) {
        if (steps.tryBulkhead(call)) {
            if (call.observed) {
                steps.bulkheadDecided(call, true, false);
            }
            return;
        }
        boolean permitted = awaitBulkhead(call);
        steps.bulkheadDecided(call, permitted, !permitted && call.timed && closeTimeout(call, clock.nanoTime()));
    }

    private boolean awaitBulkhead(Call call) {
        long wait = steps.bulkheadWaitNanos(call, clock.nanoTime());
        if (wait <= 0) {
            return false;
        }
        try {
            steps.awaitBulkhead(call, wait);
        } catch (InterruptedException interrupted) {
            // The interrupt belongs to whoever sent it (the caller, or our own watchdog); keep it visible.
            Thread.currentThread().interrupt();
        }
        return call.holdsBulkhead;
    }

    @Override
    public Invocation endStateless(Invocation invocation, Throwable thrown) {
        if (!(invocation instanceof StatelessEntry)) {
            return invocation instanceof CountedEntry ? endCounted((CountedEntry) invocation, thrown)
                    : endCounted((Call) invocation, thrown);
        }
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

    /** The end of a counted call's shared frame: on success, its counts; on a failure, the frame takes it on. */
    private Invocation endCounted(Call call, Throwable thrown) {
        if (thrown != null) {
            call.takeOver();
            return call;
        }
        SiteChain chain = call.site;
        if (call.holdsBulkhead) {
            call.holdsBulkhead = false;
            chain.bulkhead.release();
        }
        steps.succeeded(call);
        finished(call, NOT_READ, null, null);
        call.stack.pop(call);
        return null;
    }

    /**
     * The end of a counted call in its thread's entry: on success, its counts and its duration, from a start on
     * either clock to the millisecond clock (see {@link #durationUntil}); on a failure, a full frame takes it on.
     */
    private Invocation endCounted(CountedEntry entry, Throwable thrown) {
        if (thrown != null) {
            return takeOver(entry);
        }
        entry.succeeded(Math.max(0L, millisecondClock.nanoTime() - entry.startNanos));
        entry.open = false;
        if (entry.chain.bulkhead != null) {
            entry.chain.bulkhead.release();
        }
        return null;
    }

    /** The counted call's attempt failed: from now on in a frame like any, holding the slot its admission took. */
    private Call takeOver(CountedEntry entry) {
        SiteChain chain = entry.chain;
        Call call = stacks.get().push(chain);
        call.invocationStartNanos = entry.startNanos;
        call.observed = true;
        call.observation = entry.observation;
        call.holdsBulkhead = chain.bulkhead != null;
        entry.open = false;
        return call;
    }

    /**
     * Ends the only attempt of a shared invocation that returned {@code result}: when the retry's check judges it a
     * failure, the frame that takes the invocation on, with that verdict already given; else null, as for success.
     */
    @Override
    public Invocation endStatelessResult(Invocation invocation, Object result, Class<?> declaringType, Object self) {
        SiteChain chain = invocation instanceof StatelessEntry ? ((StatelessEntry) invocation).chain
                : invocation instanceof CountedEntry ? ((CountedEntry) invocation).chain : ((Call) invocation).site;
        if (!steps.sharedResultFailed(chain, result, declaringType, self)) {
            return endStateless(invocation, null);
        }
        Call call;
        if (invocation instanceof CountedEntry) {
            call = takeOver((CountedEntry) invocation);
        } else if (invocation instanceof Call) {
            call = (Call) invocation;
            call.takeOver();
        } else {
            call = stacks.get().push(chain);
            call.holdsBulkhead = chain.bulkhead != null;
        }
        steps.sharedResultFailed(call);
        return call;
    }

    /**
     * The attempt that returned normally and ran in time is the common case: it is kept apart from the rest
     * (retries, rejections, fallbacks) so that the JIT inlines it into the woven call.
     */
    @Override
    public int exit(Invocation invocation, Throwable thrown) {
        Call call = (Call) invocation;
        if (thrown != null || call.skipBody) {
            if (call.injectedFault != null) {
                thrown = call.injectedFault;
                call.skipBody = false;
            }
            long now = clock.nanoTime();
            Class<? extends Throwable> judged = steps.judgedType(thrown);
            return conclude(call, thrown, judged, call.skipBody ? call.rejection : completeAttempt(call, judged, now), now);
        }
        // A success needs the time only for an observer that times it exactly, or for its retry decision if it
        // timed out after all.
        long now = call.observed && !call.onlyCounted() ? clock.nanoTime() : NOT_READ;
        int rejection = completeAttempt(call, null, now);
        if (rejection != 0) {
            return conclude(call, null, null, rejection, now == NOT_READ ? clock.nanoTime() : now);
        }
        steps.succeeded(call);
        finished(call, now, null, null);
        call.stack.pop(call);
        return BulwarkBridge.PROCEED;
    }

    /** An attempt that returned: judged by the site's checks first, and when they find no failure, a success. */
    @Override
    public int exitResult(Invocation invocation, Object result, Class<?> declaringType, Object self) {
        Call call = (Call) invocation;
        // A shared invocation's frame comes with its result judged already (endStatelessResult).
        if (call.skipBody || !(call.failedResult() || steps.resultFailed(call, result, declaringType, self))) {
            return exit(call, null);
        }
        long now = clock.nanoTime();
        return conclude(call, null, CircuitBreaker.RESULT_FAILURE, completeAttempt(call, null, now), now);
    }

    /**
     * The verdict on an attempt that failed, was rejected or returned a result judged a failure: retry it, fall
     * back, or give its failure (or that last result) to the caller.
     *
     * @param judged the type the matchers judge {@code thrown} by; {@link CircuitBreaker#RESULT_FAILURE} for a
     *               result judged a failure
     */
    private int conclude(Call call, Throwable thrown, Class<? extends Throwable> judged, int rejection, long now) {
        Class<? extends Throwable> failure = rejection != 0 ? ChainRejection.typeOf(rejection)
                : thrown == null ? judged : thrown.getClass();
        if (rejection != 0) {
            judged = failure;
        }
        CallObserver.RetryOutcome retryOutcome;
        while ((retryOutcome = retryOutcome(call, rejection != 0 ? null : thrown, judged, rejection, now)) == null) {
            steps.retrying(call);
            now = clock.nanoTime();
            admit(call, now);
            if (!call.skipBody) {
                return BulwarkBridge.REPEAT;
            }
            if (call.injectedFault != null) {
                // The attempt failed by chaos without running its body: judged as if the body had thrown.
                call.skipBody = false;
                thrown = call.injectedFault;
                now = clock.nanoTime();
                judged = steps.judgedType(thrown);
                rejection = completeAttempt(call, judged, now);
                failure = rejection != 0 ? ChainRejection.typeOf(rejection) : thrown.getClass();
                judged = rejection != 0 ? failure : judged;
                continue;
            }
            rejection = call.rejection;
            failure = ChainRejection.typeOf(rejection);
            judged = failure;
        }
        steps.retryFinished(call, retryOutcome);
        boolean fallback = steps.fallbackApplies(call, judged, failure);
        if (!fallback) {
            finished(call, now, failure, thrown);
        }
        // No body threw an injected fault, so the advice must be told to take it from the invocation.
        boolean injected = rejection == 0 && call.injectedFault != null;
        if (failure == null || (rejection == 0 && !fallback && !injected)) {
            call.stack.pop(call);
            return BulwarkBridge.PROCEED;
        }
        return (fallback ? BulwarkBridge.FALLBACK : BulwarkBridge.THROW) | (injected ? BulwarkBridge.INJECTED : rejection)
                | (call.failedResult() ? BulwarkBridge.RESULT_FAILED : 0);
    }

    private void finished(Call call, long now, Class<? extends Throwable> failure, Throwable thrown) {
        boolean onlyCounted = call.onlyCounted();
        // A failure is an event: an eventful invocation becomes a span now.
        Object observation = failure == null ? call.observation : steps.traced(call);
        steps.finished(call.observed, observation, call.site, durationUntil(onlyCounted, call.invocationStartNanos, now),
                failure, thrown);
    }

    /**
     * The duration from {@code start} to {@code now}, which an invocation timed exactly has read. One that is only
     * counted ends on the exact reading when the chain took one anyway, else on the millisecond clock; it started
     * on either, so its duration may be off by about a millisecond (docs/telemetry.md), never negative.
     */
    private long durationUntil(boolean onlyCounted, long start, long now) {
        if (!onlyCounted) {
            return now - start;
        }
        return Math.max(0L, (now == NOT_READ ? millisecondClock.nanoTime() : now) - start);
    }

    /**
     * Releases the attempt's permits, innermost first; returns the timeout kind when it ran past its deadline.
     *
     * @param judged the type the attempt's exception is judged by, null when it returned
     */
    private int completeAttempt(Call call, Class<? extends Throwable> judged, long now) {
        boolean timed = call.timed;
        if (timed && now == NOT_READ && call.site.adaptiveTimeout != null) {
            now = clock.nanoTime();
        }
        boolean timedOut = timed && closeTimeout(call, now);
        return steps.completeAttempt(call, judged, timed, timedOut, now);
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
     * Null when the failed attempt is to be retried, after waiting its backoff here; otherwise how the retry loop
     * ends (reported even for a site without retry, where it is simply ignored).
     */
    private CallObserver.RetryOutcome retryOutcome(Call call, Throwable thrown, Class<? extends Throwable> failure,
                                                   int rejection, long now) {
        long delay = steps.nextAttemptDelay(call, thrown, failure, rejection, now, call.stack.enclosingDeadline());
        if (delay == PolicySteps.NO_RETRY) {
            return call.loopOutcome;
        }
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

    @Override
    public Object fallback(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments,
                           Throwable failure) throws Throwable {
        Call call = (Call) invocation;
        // The fallback may call protected methods itself, which reuse this frame: keep what is needed of it.
        SiteChain chain = call.site;
        boolean observed = call.observed;
        boolean onlyCounted = call.onlyCounted();
        Object observation = steps.traced(call);
        long start = call.invocationStartNanos;
        call.stack.pop(call);
        steps.fallingBack(chain, observation);
        Object result;
        try {
            result = steps.invokeFallback(chain, declaringType, self, arguments, failure);
        } catch (Throwable fallbackFailure) {
            steps.finished(observed, observation, chain, durationSince(observed, onlyCounted, start),
                    fallbackFailure.getClass(), fallbackFailure);
            // Marked as the application's own, so the bridge passes it on instead of taking it for a fault of ours.
            throw new FallbackThrew(fallbackFailure);
        }
        steps.finished(observed, observation, chain, durationSince(observed, onlyCounted, start), null, null);
        return result;
    }

    @Override
    public Object async(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
        if (invocation instanceof ReactiveEntry) {
            SiteChain chain = ((ReactiveEntry) invocation).chain;
            CallStack stack = stacks.get();
            try {
                // The woven code's array of no arguments is then left unused, which the JIT can take away.
                return ReactiveInvocation.of(async, observer, chain, declaringType, stack.enclosingDeadline(),
                        stack.enclosingTimeoutSite()).assemble(self, arguments.length == 0 ? NO_ARGUMENTS : arguments);
            } catch (Throwable fault) {
                // Reported by the bridge, which then lets the method run unprotected.
                throw new IllegalStateException(fault.getMessage(), fault);
            }
        }
        Call call = (Call) invocation;
        steps.traced(call);
        Call detached = call.detach();
        CallStack stack = call.stack;
        stack.pop(call);
        observer.invocationDetached(detached.observation);
        return new AsyncInvocation(async, detached, declaringType, self, arguments, stack.enclosingDeadline(),
                stack.enclosingTimeoutSite()).start();
    }

    private long durationSince(boolean observed, boolean onlyCounted, long start) {
        if (!observed) {
            return -1;
        }
        return durationUntil(onlyCounted, start, onlyCounted ? NOT_READ : clock.nanoTime());
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
        } else if (invocation instanceof CountedEntry) {
            abandon((CountedEntry) invocation);
        }
    }

    /** A counted call that broke before its end gives back its slot, and its thread's entry. */
    private static void abandon(CountedEntry entry) {
        if (entry.open) {
            entry.open = false;
            if (entry.chain.bulkhead != null) {
                entry.chain.bulkhead.release();
            }
        }
    }

    /** Gives back whatever a broken invocation holds, so a fault of ours never leaks a permit or an interrupt. */
    private void abandon(Call call) {
        try {
            if (call.timed) {
                call.timed = false;
                call.stack.deadlines(watchdog).exit();
            }
            steps.abandoned(call);
        } finally {
            call.stack.pop(call);
        }
    }
}
