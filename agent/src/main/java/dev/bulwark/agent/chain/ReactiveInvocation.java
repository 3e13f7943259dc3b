package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
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
 */
final class ReactiveInvocation implements Flow.Publisher<Object> {
    private static final long BULKHEAD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AsyncRuntime runtime;
    private final CallObserver observer;
    private final SiteChain chain;
    private final ReactiveType type;
    private final Class<?> declaringType;
    private final Object self;
    private final Object[] arguments;

    ReactiveInvocation(AsyncRuntime runtime, CallObserver observer, SiteChain chain, Class<?> declaringType,
                       Object self, Object[] arguments) {
        this.runtime = runtime;
        this.observer = observer;
        this.chain = chain;
        this.type = chain.reactive;
        this.declaringType = declaringType;
        this.self = self;
        this.arguments = arguments;
    }

    /** The lazy publisher of the method's own type that the caller gets; nothing runs before it is subscribed. */
    Object assemble() throws Throwable {
        return type.fromFlow(this, declaringType);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        new Subscription(subscriber).start();
    }

    /** One subscription: one protected call, its attempts one after another. */
    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super Object> downstream;
        private final PolicySteps steps = runtime.steps;
        private final Call call = new Call(null, -1);
        private final Object lock = new Object();
        // Guarded by lock.
        private long requested;
        private Flow.Subscription upstream;
        private int settledAttempt;
        private boolean over;
        private boolean emitting;
        private boolean terminalDeferred;
        private Throwable deferredFailure;
        private Future<?> attemptTimer;
        private Future<?> pendingStep;
        // Written under lock, read by the decision that follows the attempt it ended.
        private volatile boolean emitted;
        private volatile boolean bodyInvoked;

        Subscription(Flow.Subscriber<? super Object> downstream) {
            this.downstream = downstream;
        }

        void start() {
            call.begin(chain);
            Object observation = observer.invocationStarted(chain.name);
            call.observed = observation != CallObserver.NOT_RECORDING;
            call.observation = call.observed ? observation : null;
            call.invocationStartNanos = runtime.clock.nanoTime();
            observer.invocationDetached(steps.traced(call));
            downstream.onSubscribe(this);
            guarded(() -> {
                steps.firstAttempt(chain);
                steps.readArguments(call, arguments);
                startAttempt();
            }).run();
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
            boolean admitted = true;
            synchronized (lock) {
                if (over) {
                    return;
                }
                pendingStep = null;
                call.skipBody = false;
                call.rejection = 0;
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
                if (!admitted) {
                    settledAttempt = call.attempt;
                }
            }
            if (admitted) {
                openTimeout();
            } else {
                rejected();
            }
        }

        private void rateGranted() {
            synchronized (lock) {
                if (over) {
                    return;
                }
                steps.rateDecided(call, true, 0L);
            }
            openTimeout();
        }

        /** Starts the attempt's deadline before it waits for a bulkhead, since the timeout bounds that wait. */
        private void openTimeout() {
            int number;
            boolean invoke = false;
            boolean pooled = false;
            synchronized (lock) {
                if (over) {
                    return;
                }
                long now = runtime.clock.nanoTime();
                number = call.attempt;
                call.timed = chain.timeout != null;
                if (call.timed) {
                    call.deadlineNanos = saturatedAdd(now, steps.timeoutNanos(call, now));
                    attemptTimer = runtime.schedule(guarded(() -> deadlineReached(number)), call.deadlineNanos - now);
                }
                if (chain.threadPool != null) {
                    pooled = true;
                } else if (!chain.takesSlot || steps.tryBulkhead(call)) {
                    if (chain.takesSlot) {
                        steps.bulkheadDecided(call, true, false);
                    }
                    invoke = true;
                } else {
                    runtime.scheduleOnTimer(guarded(() -> pollBulkhead(number, now)), 0L);
                }
            }
            if (pooled) {
                submitToPool(number);
            } else if (invoke) {
                invokeBody(number);
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
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
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
            Flow.Publisher<Object> publisher;
            try {
                publisher = type.toFlow(body, declaringType);
            } catch (Throwable fault) {
                failedInside(fault);
                return;
            }
            publisher.subscribe(new Upstream(number));
        }

        /** The attempt's publisher ended, with {@code failure} or (null) completing. */
        private void attemptEnded(int number, Throwable failure) {
            int rejection;
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
                settledAttempt = number;
                upstream = null;
                cancelTimers();
                long now = runtime.clock.nanoTime();
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
         * a subscriber cancelling once it has the item (as some of Reactor's do) cancels nothing.
         */
        private boolean singleItem(int number) {
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return false;
                }
                settledAttempt = number;
                over = true;
                upstream = null;
                cancelTimers();
                steps.completeAttempt(call, null, call.timed, false, runtime.clock.nanoTime());
            }
            steps.succeeded(call);
            long duration = call.observed ? runtime.clock.nanoTime() - call.invocationStartNanos : -1;
            steps.finished(call.observed, call.observation, chain, duration, null, null);
            return true;
        }

        /** The attempt's deadline passed before its publisher ended: it is cancelled and timed out. */
        private void deadlineReached(int number) {
            Flow.Subscription current;
            int rejection;
            synchronized (lock) {
                if (settledAttempt >= number || over) {
                    return;
                }
                settledAttempt = number;
                current = upstream;
                upstream = null;
                rejection = steps.completeAttempt(call, ChainRejection.TIMED_OUT.type, true, true,
                        runtime.clock.nanoTime());
            }
            if (current != null) {
                current.cancel();
            }
            decide(ChainRejection.TIMED_OUT.exception(chain.name, 0L), rejection);
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
                        runtime.clock.nanoTime(), Long.MAX_VALUE);
                if (delay != PolicySteps.NO_RETRY) {
                    synchronized (lock) {
                        if (over) {
                            return;
                        }
                        steps.retrying(call);
                        pendingStep = runtime.schedule(guarded(this::startAttempt), delay);
                    }
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
                downstream.onComplete();
            } else {
                downstream.onError(failure);
            }
        }

        /**
         * Passes an item on. A terminal signal decided meanwhile on another thread (a deadline) waits until the
         * subscriber has the item, so that its signals never overlap.
         */
        private void emit(Object item) {
            try {
                downstream.onNext(item);
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

        /** Subscribes to one attempt's publisher, the fallback's, or the unprotected body's. */
        private final class Upstream implements Flow.Subscriber<Object> {
            static final int FALLBACK = -1;
            static final int UNPROTECTED = -2;
            private final int number;

            Upstream(int number) {
                this.number = number;
            }

            private boolean current() {
                return number < 0 ? number == UNPROTECTED || !over : settledAttempt < number && !over;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
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
            public void onNext(Object item) {
                if (number > 0 && type.single()) {
                    if (singleItem(number)) {
                        downstream.onNext(item);
                        downstream.onComplete();
                    }
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

            @Override
            public void onError(Throwable failure) {
                ended(failure);
            }

            @Override
            public void onComplete() {
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
