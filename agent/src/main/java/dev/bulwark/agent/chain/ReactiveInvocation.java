package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.ResultFailureException;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.reactive.ReactiveType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reactive driver of the chain: one subscription to the publisher a woven method returned is one protected
 * call, walking the same {@link PolicySteps} as a synchronous or {@code CompletionStage} call, without blocking a
 * thread. Breaker and rate limiter admit when the subscription starts; the bulkhead slot is held until the
 * body's publisher ends or the subscriber cancels; the timeout bounds each attempt's whole stream, cancels it at
 * the deadline and signals {@code TimeoutExceededException}; a retry calls the method's body again and subscribes
 * to the fresh publisher; the fallback's value, or its publisher of the same type, is what the subscriber gets.
 *
 * <p>What counts as success: completion of the stream, or, for a type of at most one item ({@code Mono}), its
 * item. Once an item of a multi-item stream reached the subscriber, a failure is neither retried nor handed to
 * the fallback, since the subscriber could not tell a replayed item from a new one; the breaker still records it.
 * A cancelled subscription gives back every permit and records nothing.
 *
 * <p>Each subscription's policy state changes under its own lock, never held while the application's code runs
 * (bodies, subscribers, fallbacks), so that two protected streams feeding each other cannot deadlock.
 *
 * <p>A library with an {@link Assembler} of its own (Reactor's, see {@link ReactiveType#direct}) subscribes its
 * subscriber and the bodies' publishers to a {@link Subscription} of its own types; any other goes through
 * {@link Flow}, as a {@link Flow.Publisher}.
 */
public final class ReactiveInvocation implements Flow.Publisher<Object> {
    private static final long BULKHEAD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** What follows an attempt's admission. */
    private static final int WAITING = 0;
    private static final int INVOKE = 1;
    private static final int POOLED = 2;
    private static final int REJECTED = 3;

    private final AsyncRuntime runtime;
    private final CallObserver observer;
    private final SiteChain chain;
    private final ReactiveType type;
    private final Class<?> declaringType;
    private final Object self;
    private final Object[] arguments;
    /**
     * The deadline of the synchronous timeout around the method's call, on the exact clock; {@code Long.MAX_VALUE}
     * for none. A publisher made inside a timeout is a call made inside it: each of its attempts ends by that
     * deadline too, as a stage's does.
     */
    private final long enclosingDeadline;
    private final String enclosingTimeoutSite;

    /** @param enclosingTimeoutSite the site whose timeout {@code enclosingDeadline} is, or null */
    ReactiveInvocation(AsyncRuntime runtime, CallObserver observer, SiteChain chain, Class<?> declaringType,
                       Object self, Object[] arguments, long enclosingDeadline, String enclosingTimeoutSite) {
        this.runtime = runtime;
        this.observer = observer;
        this.chain = chain;
        this.type = chain.reactive;
        this.declaringType = declaringType;
        this.self = self;
        this.arguments = arguments;
        this.enclosingDeadline = enclosingTimeoutSite == null ? Long.MAX_VALUE : enclosingDeadline;
        this.enclosingTimeoutSite = enclosingTimeoutSite;
    }

    /** The lazy publisher of the method's own type that the caller gets; nothing runs before it is subscribed. */
    Object assemble() throws Throwable {
        Object direct = type.direct(declaringType);
        return direct != null ? ((Assembler) direct).assemble(this, type.single()) : type.fromFlow(this, declaringType);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        new FlowSubscription(subscriber).start();
    }

    /**
     * Makes the caller's publisher of a library's own type, whose subscriptions are {@link Subscription}s that
     * speak that library's types: defined next to the application's copy of the library, not in the agent.
     */
    public interface Assembler {
        /** The publisher of {@code invocation}; a single-item type when {@code single}. */
        Object assemble(ReactiveInvocation invocation, boolean single);
    }

    /** A subscription whose subscriber is a JDK Flow subscriber: the one way for every library without an Assembler. */
    private final class FlowSubscription extends Subscription {
        private final Flow.Subscriber<? super Object> downstream;

        FlowSubscription(Flow.Subscriber<? super Object> downstream) {
            this.downstream = downstream;
        }

        @Override
        protected void signalSubscribed() {
            downstream.onSubscribe(this);
        }

        @Override
        protected void signalNext(Object item) {
            downstream.onNext(item);
        }

        @Override
        protected void signalComplete() {
            downstream.onComplete();
        }

        @Override
        protected void signalError(Throwable failure) {
            downstream.onError(failure);
        }
    }

    /**
     * One subscription: one protected call, its attempts one after another. A subclass passes the signals on to
     * its subscriber and may subscribe to the bodies' publishers with {@link Upstream}s of its library's types.
     */
    public abstract class Subscription implements Flow.Subscription {
        private final PolicySteps steps = runtime.steps;
        private final Call call = new Call(null, -1);
        // The call is this subscription's alone: its monitor spares an object per subscription.
        private final Object lock = call;
        /**
         * Whether no other thread than a cancelling subscriber's can end an attempt (no deadline timer): then an
         * attempt's items and its checks need no lock, only {@link #over}.
         */
        private final boolean untimed = chain.timeout == null && enclosingDeadline == Long.MAX_VALUE;
        // Written under lock; requested and over also read without it, where untimed allows.
        private volatile long requested;
        private volatile boolean over;
        // Guarded by lock.
        private Flow.Subscription upstream;
        private int settledAttempt;
        private boolean emitting;
        private boolean terminalDeferred;
        private Throwable deferredFailure;
        private Future<?> attemptTimer;
        private Future<?> pendingStep;
        // Read by the decision that follows the attempt it ended.
        private volatile boolean emitted;
        private volatile boolean bodyInvoked;

        protected Subscription() {
        }

        /** Tells the subscriber it is subscribed, with this subscription. */
        protected abstract void signalSubscribed();

        protected abstract void signalNext(Object item);

        protected abstract void signalComplete();

        protected abstract void signalError(Throwable failure);

        /** Subscribes an {@link Upstream} of {@code number} to {@code body}, a publisher of the method's type. */
        protected void subscribeBody(Object body, int number) {
            Flow.Publisher<Object> publisher;
            try {
                publisher = type.toFlow(body, declaringType);
            } catch (Throwable fault) {
                failedInside(fault);
                return;
            }
            publisher.subscribe(new Upstream(number));
        }

        /** Starts the call: the subscriber is subscribed, then the first attempt admitted. */
        public final void start() {
            call.begin(chain);
            Object observation = observer.invocationStarted(chain.name);
            call.observed = observation != CallObserver.NOT_RECORDING;
            call.observation = call.observed ? observation : null;
            if (call.observed || chain.readsClockOnEntry) {
                call.invocationStartNanos = runtime.clock.nanoTime();
            }
            observer.invocationDetached(steps.traced(call));
            signalSubscribed();
            try {
                steps.firstAttempt(chain);
                steps.readArguments(call, arguments);
                startAttempt();
            } catch (RuntimeException | Error error) {
                failedInside(error);
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                signal(new IllegalArgumentException("§3.9: a subscriber must request a positive number, was " + n));
                return;
            }
            Flow.Subscription current;
            synchronized (lock) {
                requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
                current = upstream;
            }
            if (current != null) {
                current.request(n);
            }
        }

        @Override
        public void cancel() {
            Flow.Subscription current;
            boolean ended;
            synchronized (lock) {
                current = upstream;
                upstream = null;
                ended = over;
                if (!ended) {
                    over = true;
                    cancelTimers();
                    if (settledAttempt < call.attempt) {
                        settledAttempt = call.attempt;
                        steps.releaseAll(call);
                    }
                }
            }
            if (current != null) {
                current.cancel();
            }
            if (!ended) {
                observer.invocationAbandoned(call.observation);
            }
        }

        /** Takes the attempt's permits outermost first, as the other drivers do; a rate-limiter wait is scheduled. */
        private void startAttempt() {
            int number;
            int next;
            synchronized (lock) {
                if (over) {
                    return;
                }
                number = call.attempt;
                pendingStep = null;
                call.skipBody = false;
                call.rejection = 0;
                boolean admitted = true;
                if (chain.guarded() && !steps.admitBreaker(call)) {
                    admitted = false;
                } else if (chain.limiterSpec != null) {
                    long wait = steps.reserveRate(call, runtime.clock.nanoTime());
                    if (wait > 0) {
                        pendingStep = runtime.schedule(guarded(this::rateGranted), wait);
                        return;
                    }
                    admitted = steps.rateDecided(call, wait == 0, RateLimiter.retryAfterNanos(wait));
                }
                if (admitted) {
                    next = openTimeout(number);
                } else {
                    settledAttempt = number;
                    next = REJECTED;
                }
            }
            proceed(number, next);
        }

        private void rateGranted() {
            int number;
            int next;
            synchronized (lock) {
                if (over) {
                    return;
                }
                number = call.attempt;
                steps.rateDecided(call, true, 0L);
                next = openTimeout(number);
            }
            proceed(number, next);
        }

        /**
         * Under the lock, in the admission's own critical section: starts the attempt's deadline before it waits
         * for a bulkhead, since the timeout bounds that wait: its own timeout's, or the enclosing synchronous
         * timeout's when that comes first. Says what comes next.
         */
        private int openTimeout(int number) {
            call.timed = chain.timeout != null;
            long now = untimed ? 0L : runtime.clock.nanoTime();
            long deadline = enclosingDeadline;
            if (call.timed) {
                call.deadlineNanos = saturatedAdd(now, steps.timeoutNanos(call, now));
                deadline = Math.min(deadline, call.deadlineNanos);
            }
            if (!untimed) {
                attemptTimer = runtime.schedule(guarded(() -> deadlineReached(number)), deadline - now);
            }
            if (chain.threadPool != null) {
                return POOLED;
            }
            if (!chain.takesSlot || steps.tryBulkhead(call)) {
                if (chain.takesSlot) {
                    steps.bulkheadDecided(call, true, false);
                }
                return INVOKE;
            }
            long since = untimed ? runtime.clock.nanoTime() : now;
            runtime.scheduleOnTimer(guarded(() -> pollBulkhead(number, since)), 0L);
            return WAITING;
        }

        private void proceed(int number, int next) {
            if (next == INVOKE) {
                invokeBody(number);
            } else if (next == POOLED) {
                submitToPool(number);
            } else if (next == REJECTED) {
                rejected();
            }
        }

        /** Whether the attempt ended (or the call); without the lock when untimed, as only a cancel could end it. */
        private boolean ended(int number) {
            if (untimed) {
                return over;
            }
            synchronized (lock) {
                return settledAttempt >= number || over;
            }
        }

        /** On the timer's thread; runs none of the application's code. */
        private void pollBulkhead(int number, long since) {
            boolean invoke = false;
            boolean refused = false;
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
                long now = runtime.clock.nanoTime();
                if (steps.tryBulkhead(call)) {
                    steps.bulkheadDecided(call, true, false);
                    invoke = true;
                } else if (now - since + BULKHEAD_POLL_NANOS <= chain.bulkheadSpec.maxWaitNanos()) {
                    runtime.scheduleOnTimer(guarded(() -> pollBulkhead(number, since)), BULKHEAD_POLL_NANOS);
                } else {
                    settledAttempt = number;
                    cancelTimers();
                    steps.bulkheadDecided(call, false, call.timed && now - call.deadlineNanos >= 0);
                    refused = true;
                }
            }
            if (invoke) {
                runtime.execute(guarded(() -> invokeBody(number)));
            } else if (refused) {
                runtime.execute(guarded(this::rejected));
            }
        }

        /** The body is called and subscribed to on one of the bulkhead's threads. */
        private void submitToPool(int number) {
            AtomicBoolean started = new AtomicBoolean();
            chain.threadPool.submit(() -> {
                started.set(true);
                synchronized (lock) {
                    steps.bulkheadDecided(call, true, false);
                }
                invokeBody(number);
                return CompletableFuture.completedFuture(null);
            }).whenComplete((value, error) -> {
                if (started.get() || !(unwrap(error) instanceof BulkheadFullException)) {
                    return;
                }
                synchronized (lock) {
                    if (settledAttempt >= number || over) {
                        return;
                    }
                    settledAttempt = number;
                    cancelTimers();
                    steps.bulkheadDecided(call, false, false);
                }
                rejected();
            });
        }

        /**
         * Calls the body, or what chaos puts in its place: an injected delay is scheduled, never waited out on a
         * thread, so the attempt's deadline or a cancel ends the attempt first when it comes sooner; an injected
         * fault ends the attempt as the body's publisher would have failed it.
         */
        private void invokeBody(int number) {
            if (chain.chaos == null) {
                callBody(number, null);
                return;
            }
            long delay;
            Throwable fault;
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
                delay = steps.chaos(call);
                fault = call.injectedFault;
            }
            if (delay <= 0) {
                callBody(number, fault);
            } else {
                runtime.schedule(guarded(() -> callBody(number, fault)), delay);
            }
        }

        /** Calls the body once, on this thread, and subscribes to its publisher; or fails with {@code injected}. */
        private void callBody(int number, Throwable injected) {
            if (ended(number)) {
                return;
            }
            bodyInvoked = true;
            if (injected != null) {
                attemptEnded(number, injected);
                return;
            }
            Object body;
            try {
                body = runtime.invokeBodyBypassingAdvice(chain, declaringType, self, arguments);
            } catch (Throwable thrown) {
                attemptEnded(number, thrown);
                return;
            }
            if (body == null) {
                attemptEnded(number, new NullPointerException(chain.name + " returned a null " + type.name()));
                return;
            }
            subscribeBody(body, number);
        }

        /** The attempt's publisher ended, with {@code failure} or (null) completing. */
        private void attemptEnded(int number, Throwable failure) {
            if (over) {
                // As the check under the lock would: over stays over.
                return;
            }
            int rejection;
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
                settledAttempt = number;
                upstream = null;
                cancelTimers();
                // Only a timed attempt reads the time: its deadline, and an adaptive timeout's latency.
                long now = call.timed ? runtime.clock.nanoTime() : 0L;
                boolean timedOut = call.timed && now - call.deadlineNanos >= 0;
                rejection = steps.completeAttempt(call, failure == null ? null : steps.judgedType(failure),
                        call.timed, timedOut, now);
            }
            if (rejection != 0) {
                decide(ChainRejection.TIMED_OUT.exception(chain.name, 0L), rejection);
            } else {
                decide(failure, 0);
            }
        }

        /**
         * The first item of a single-item type ends the call as a success before the subscriber sees it, so that
         * a subscriber cancelling once it has the item (as some of Reactor's do) cancels nothing. A site that
         * judges results judges the item first, as the other drivers judge a value: a failed result is decided
         * as a failure is (retried, or handed to the fallback), and reaches the subscriber only when neither
         * takes it. Says whether the subscriber gets the item now.
         */
        private boolean singleItem(int number, Object item) {
            // The checks are the application's code, run before the lock is taken; the verdict is kept under it.
            boolean retryable = chain.retryOnResult != null && chain.retryOnResult.test(item, declaringType, self);
            boolean recordable = chain.recordOnResult != null && chain.recordOnResult.test(item, declaringType, self);
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return false;
                }
                settledAttempt = number;
                upstream = null;
                cancelTimers();
                call.retryableResult = retryable;
                call.recordableResult = recordable;
                if (call.failedResult()) {
                    call.rejectingPolicy = chain.name;
                } else {
                    over = true;
                }
                steps.completeAttempt(call, null, call.timed, false, call.timed ? runtime.clock.nanoTime() : 0L);
            }
            if (call.failedResult()) {
                decideFailedResult(item);
                return false;
            }
            steps.succeeded(call);
            long duration = call.observed ? runtime.clock.nanoTime() - call.invocationStartNanos : -1;
            steps.finished(call.observed, call.observation, chain, duration, null, null);
            return true;
        }

        /**
         * The attempt's deadline, its own or the enclosing one, passed before its publisher ended: it is
         * cancelled and timed out.
         */
        private void deadlineReached(int number) {
            Flow.Subscription current;
            int rejection;
            boolean own = call.timed && call.deadlineNanos <= enclosingDeadline;
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
                settledAttempt = number;
                current = upstream;
                upstream = null;
                rejection = steps.completeAttempt(call, ChainRejection.TIMED_OUT.type, call.timed, own,
                        runtime.clock.nanoTime());
            }
            if (current != null) {
                current.cancel();
            }
            decide(ChainRejection.TIMED_OUT.exception(own ? chain.name : enclosingTimeoutSite, 0L), rejection);
        }

        /** After an attempt whose item was judged a failure: as {@link #decide}, with the item in place of an error. */
        private void decideFailedResult(Object item) {
            long delay = steps.nextAttemptDelay(call, null, CircuitBreaker.RESULT_FAILURE, 0,
                    runtime.clock.nanoTime(), enclosingDeadline);
            if (delay != PolicySteps.NO_RETRY) {
                scheduleRetry(delay);
                return;
            }
            steps.retryFinished(call, call.loopOutcome);
            if (steps.fallbackApplies(call, CircuitBreaker.RESULT_FAILURE, null)) {
                steps.fallingBack(chain, call.observation);
                runtime.execute(guarded(() -> fallback(new ResultFailureException(chain.name, item))));
                return;
            }
            synchronized (lock) {
                if (over) {
                    return;
                }
                over = true;
            }
            long duration = call.observed ? runtime.clock.nanoTime() - call.invocationStartNanos : -1;
            steps.finished(call.observed, call.observation, chain, duration, CircuitBreaker.RESULT_FAILURE, null);
            signalNext(item);
            signalComplete();
        }

        /** The attempt, settled already, was refused at admission. */
        private void rejected() {
            decide(ChainRejection.of(call.rejection).exception(call.rejectingPolicy, call.rejectionRetryAfterNanos),
                    call.rejection);
        }

        /** After an attempt: retry it later, or end the call (through the fallback if it applies). */
        private void decide(Throwable failure, int rejection) {
            if (failure == null) {
                steps.succeeded(call);
                finish(null);
                return;
            }
            Class<? extends Throwable> judged = rejection != 0 ? failure.getClass() : steps.judgedType(failure);
            if (emitted) {
                call.loopOutcome = CallObserver.RetryOutcome.FAILURE;
            } else {
                long delay = steps.nextAttemptDelay(call, rejection != 0 ? null : failure, judged, rejection,
                        runtime.clock.nanoTime(), enclosingDeadline);
                if (delay != PolicySteps.NO_RETRY) {
                    scheduleRetry(delay);
                    return;
                }
            }
            steps.retryFinished(call, call.loopOutcome);
            if (!emitted && steps.fallbackApplies(call, judged, failure.getClass())) {
                steps.fallingBack(chain, call.observation);
                runtime.execute(guarded(() -> fallback(failure)));
            } else {
                finish(failure);
            }
        }

        private void scheduleRetry(long delay) {
            synchronized (lock) {
                if (over) {
                    return;
                }
                steps.retrying(call);
                pendingStep = runtime.schedule(guarded(this::startAttempt), delay);
            }
        }

        /** The fallback's value, or the items of the publisher it returned, go to the subscriber. */
        private void fallback(Throwable failure) {
            Object outcome;
            try {
                outcome = steps.invokeFallback(chain, declaringType, self, arguments, failure);
            } catch (Throwable fallbackFailure) {
                finish(fallbackFailure);
                return;
            }
            Flow.Publisher<Object> publisher;
            try {
                publisher = outcome == null ? null
                        : type.isInstance(outcome, declaringType) ? type.toFlow(outcome, declaringType)
                        : new Just(outcome);
            } catch (Throwable fault) {
                failedInside(fault);
                return;
            }
            if (publisher == null) {
                finish(null);
            } else {
                publisher.subscribe(new Upstream(Upstream.FALLBACK));
            }
        }

        /** The call ends: telemetry is told, and the subscriber gets its terminal signal. */
        private void finish(Throwable failure) {
            boolean deferred;
            synchronized (lock) {
                if (over) {
                    return;
                }
                over = true;
                upstream = null;
                cancelTimers();
                deferred = emitting;
                if (deferred) {
                    terminalDeferred = true;
                    deferredFailure = failure;
                }
            }
            long duration = call.observed ? runtime.clock.nanoTime() - call.invocationStartNanos : -1;
            steps.finished(call.observed, call.observation, chain, duration,
                    failure == null ? null : failure.getClass(), failure);
            if (!deferred) {
                signal(failure);
            }
        }

        private void signal(Throwable failure) {
            if (failure == null) {
                signalComplete();
            } else {
                signalError(failure);
            }
        }

        /**
         * Passes an item on. A terminal signal decided meanwhile on another thread (a deadline) waits until the
         * subscriber has the item, so that its signals never overlap.
         */
        private void emit(Object item) {
            try {
                signalNext(item);
            } finally {
                boolean deferred;
                Throwable failure;
                synchronized (lock) {
                    emitting = false;
                    deferred = terminalDeferred;
                    failure = deferredFailure;
                    terminalDeferred = false;
                }
                if (deferred) {
                    signal(failure);
                }
            }
        }

        private void cancelTimers() {
            if (attemptTimer != null) {
                attemptTimer.cancel(false);
                attemptTimer = null;
            }
            if (pendingStep != null) {
                pendingStep.cancel(false);
                pendingStep = null;
            }
        }

        /** A scheduled step of this call; a fault of ours in it ends the call, never leaves it hanging. */
        private Runnable guarded(Runnable step) {
            return () -> {
                try {
                    step.run();
                } catch (RuntimeException | Error error) {
                    failedInside(error);
                }
            };
        }

        /**
         * A fault of ours: the permits go back and the fault is reported once. Before any body ran, the method's
         * own publisher is subscribed to unprotected instead; after, the subscriber gets the fault.
         */
        private void failedInside(Throwable error) {
            runtime.reportInternalError(chain.name, error);
            Flow.Subscription current;
            synchronized (lock) {
                current = upstream;
                upstream = null;
                cancelTimers();
                if (settledAttempt < call.attempt) {
                    settledAttempt = call.attempt;
                    steps.releaseAll(call);
                }
                if (over) {
                    return;
                }
                over = true;
            }
            if (current != null) {
                current.cancel();
            }
            observer.invocationAbandoned(call.observation);
            if (bodyInvoked) {
                signal(error);
            } else {
                runUnprotected();
            }
        }

        private void runUnprotected() {
            Flow.Publisher<Object> publisher;
            try {
                publisher = type.toFlow(runtime.invokeBodyBypassingAdvice(chain, declaringType, self, arguments),
                        declaringType);
            } catch (Throwable failure) {
                signal(failure);
                return;
            }
            publisher.subscribe(new Upstream(Upstream.UNPROTECTED));
        }

        /**
         * Subscribes to one attempt's publisher, the fallback's, or the unprotected body's. A subclass speaking a
         * library's types passes on the library's signals and is itself the {@link Flow.Subscription} it passes.
         */
        protected class Upstream implements Flow.Subscriber<Object> {
            static final int FALLBACK = -1;
            static final int UNPROTECTED = -2;
            private final int number;

            protected Upstream(int number) {
                this.number = number;
            }

            private boolean current() {
                return number < 0 ? number == UNPROTECTED || !over : settledAttempt < number && !over;
            }

            @Override
            public final void onSubscribe(Flow.Subscription subscription) {
                long demand;
                synchronized (lock) {
                    if (!current()) {
                        demand = -1;
                    } else {
                        upstream = subscription;
                        demand = requested;
                    }
                }
                if (demand < 0) {
                    subscription.cancel();
                } else if (demand > 0) {
                    subscription.request(demand);
                }
            }

            @Override
            public final void onNext(Object item) {
                if (number > 0 && type.single()) {
                    if (singleItem(number, item)) {
                        signalNext(item);
                        signalComplete();
                    }
                    return;
                }
                if (untimed) {
                    passOn(item);
                    return;
                }
                synchronized (lock) {
                    if (!current()) {
                        return;
                    }
                    if (requested != Long.MAX_VALUE) {
                        requested--;
                    }
                    emitting = true;
                    emitted = true;
                }
                emit(item);
            }

            /**
             * An item of an untimed call: no other thread can end the attempt meanwhile, so no terminal signal
             * waits for it, and only the demand left for a later attempt needs the lock, when it is bounded.
             */
            private void passOn(Object item) {
                if (number != UNPROTECTED && over) {
                    return;
                }
                if (requested != Long.MAX_VALUE) {
                    synchronized (lock) {
                        if (requested != Long.MAX_VALUE) {
                            requested--;
                        }
                    }
                }
                if (!emitted) {
                    emitted = true;
                }
                signalNext(item);
            }

            @Override
            public final void onError(Throwable failure) {
                ended(failure);
            }

            @Override
            public final void onComplete() {
                ended(null);
            }

            private void ended(Throwable failure) {
                if (number > 0) {
                    attemptEnded(number, failure);
                } else if (number == FALLBACK) {
                    finish(failure);
                } else {
                    signal(failure);
                }
            }
        }
    }

    /** The fallback's plain value, as a publisher of that one item. */
    private static final class Just implements Flow.Publisher<Object> {
        private final Object value;

        Just(Object value) {
            this.value = value;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Object> subscriber) {
            AtomicBoolean done = new AtomicBoolean();
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (n > 0 && done.compareAndSet(false, true)) {
                        subscriber.onNext(value);
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    done.set(true);
                }
            });
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
