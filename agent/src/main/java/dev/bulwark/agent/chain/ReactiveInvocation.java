package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.ResultFailureException;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.reactive.ReactiveType;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>Each subscription's policy state changes under its own lock (a spin lock of its own), never held while the
 * application's code runs (bodies, subscribers, fallbacks), so that two protected streams feeding each other
 * cannot deadlock.
 *
 * <p>One of these serves every call of its site (see {@link #of}); a call's publisher holds it with the call's
 * receiver and arguments, and a subscription is one object of the chain's: it is the call's state (a
 * {@link Call}), the subscriber's subscription and the first attempt's subscriber.
 *
 * <p>A library with an {@link Assembler} of its own (Reactor's, see {@link ReactiveType#direct}) subscribes its
 * subscriber and the bodies' publishers to a {@link Subscription} of its own types; any other goes through
 * {@link Flow}, as a {@link Flow.Publisher}.
 */
public final class ReactiveInvocation {
    private static final long BULKHEAD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** What follows an attempt's admission. */
    private static final int WAITING = 0;
    private static final int INVOKE = 1;
    private static final int POOLED = 2;
    private static final int REJECTED = 3;
    private static final int SPINS_BEFORE_YIELD = 100;
    /** {@link Subscription}'s lock word. */
    private static final VarHandle LOCKED;
    private static final VarHandle OVER;
    private static final VarHandle EMITTED;
    private static final VarHandle BODY_INVOKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(Subscription.class, "locked", byte.class);
            OVER = MethodHandles.lookup().findVarHandle(Subscription.class, "over", boolean.class);
            EMITTED = MethodHandles.lookup().findVarHandle(Subscription.class, "emitted", boolean.class);
            BODY_INVOKED = MethodHandles.lookup().findVarHandle(Subscription.class, "bodyInvoked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AsyncRuntime runtime;
    private final PolicySteps steps;
    private final CallObserver observer;
    private final SiteChain chain;
    private final ReactiveType type;
    /** The class of the woven method, one per site; its subscriptions need not keep it. */
    private final Class<?> declaringType;
    /**
     * The type's {@link Assembler} in the method's loader, found once for the site; null to go through
     * {@link Flow}.
     */
    private final Object direct;
    /**
     * Whether no other thread than a cancelling subscriber's can end an attempt (no deadline timer): then an
     * attempt's items and its checks need no lock, only {@link Subscription#over}.
     */
    private final boolean untimed;
    /**
     * The deadline of the synchronous timeout around the method's call, on the exact clock; {@code Long.MAX_VALUE}
     * for none. A publisher made inside a timeout is a call made inside it: each of its attempts ends by that
     * deadline too, and its retries wait no longer, as a stage's do.
     */
    private final long enclosingDeadline;
    /** The site whose timeout {@link #enclosingDeadline} is; null for none. */
    private final String enclosingTimeoutSite;

    private ReactiveInvocation(AsyncRuntime runtime, CallObserver observer, SiteChain chain, Class<?> declaringType,
                               long enclosingDeadline, String enclosingTimeoutSite) {
        this.runtime = runtime;
        this.steps = runtime.steps;
        this.observer = observer;
        this.chain = chain;
        this.type = chain.reactive;
        this.declaringType = declaringType;
        this.direct = type.direct(declaringType);
        this.enclosingTimeoutSite = enclosingTimeoutSite;
        this.enclosingDeadline = enclosingTimeoutSite == null ? Long.MAX_VALUE : enclosingDeadline;
        this.untimed = chain.timeout == null && this.enclosingDeadline == Long.MAX_VALUE;
    }

    /**
     * The driver of a call of {@code chain}'s site: the site's own, made at its first call and kept with the site;
     * or, for a call made inside another call's synchronous timeout, one of the call's own that carries that
     * deadline (rare, and it spares every other call a field).
     *
     * @param declaringType        the class of the woven method
     * @param enclosingTimeoutSite the site whose timeout {@code enclosingDeadline} is, or null for none
     */
    static ReactiveInvocation of(AsyncRuntime runtime, CallObserver observer, SiteChain chain, Class<?> declaringType,
                                 long enclosingDeadline, String enclosingTimeoutSite) {
        if (enclosingTimeoutSite != null) {
            return new ReactiveInvocation(runtime, observer, chain, declaringType, enclosingDeadline,
                    enclosingTimeoutSite);
        }
        ReactiveInvocation driver = chain.reactiveDriver;
        if (driver == null) {
            // Calls racing here may each make one: they are alike, and their fields final.
            driver = new ReactiveInvocation(runtime, observer, chain, declaringType, Long.MAX_VALUE, null);
            chain.reactiveDriver = driver;
        } else if (driver.declaringType != declaringType) {
            // A site's code lives in one class; should another ever carry its id, its calls get drivers of their own.
            driver = new ReactiveInvocation(runtime, observer, chain, declaringType, Long.MAX_VALUE, null);
        }
        return driver;
    }

    /**
     * The lazy publisher of the method's own type that a call of the method gets; nothing runs before it is
     * subscribed.
     */
    Object assemble(Object self, Object[] arguments) throws Throwable {
        return direct != null ? ((Assembler) direct).assemble(this, self, arguments, type.single())
                : type.fromFlow(new FlowCall(self, arguments), declaringType);
    }

    /**
     * What a subscription reads of the call it belongs to, from the call's publisher, so that it need not keep a
     * copy of its own.
     */
    public interface Assembly {
        /** The receiver of the woven method's call; null for a static method. */
        Object self();

        Object[] arguments();
    }

    /**
     * Makes the caller's publisher of a library's own type, whose subscriptions are {@link Subscription}s that
     * speak that library's types: defined next to the application's copy of the library, not in the agent.
     */
    public interface Assembler {
        /**
         * The publisher of one call of {@code invocation}'s method, an {@link Assembly}; a single-item type when
         * {@code single}.
         */
        Object assemble(ReactiveInvocation invocation, Object self, Object[] arguments, boolean single);
    }

    /** One call's publisher as a JDK Flow publisher: the one way for every library without an Assembler. */
    private final class FlowCall implements Flow.Publisher<Object>, Assembly {
        private final Object self;
        private final Object[] arguments;

        FlowCall(Object self, Object[] arguments) {
            this.self = self;
            this.arguments = arguments;
        }

        @Override
        public Object self() {
            return self;
        }

        @Override
        public Object[] arguments() {
            return arguments;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Object> subscriber) {
            new FlowSubscription(this, subscriber).start();
        }
    }

    /** A subscription whose subscriber is a JDK Flow subscriber; it subscribes to the first attempt itself. */
    private final class FlowSubscription extends Subscription implements Flow.Subscriber<Object> {
        private final Flow.Subscriber<? super Object> downstream;

        FlowSubscription(Assembly assembly, Flow.Subscriber<? super Object> downstream) {
            super(assembly);
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

        @Override
        protected void subscribeBody(Object body, int number) {
            Flow.Publisher<Object> publisher;
            try {
                publisher = type.toFlow(body, declaringType);
            } catch (Throwable fault) {
                failedInside(fault);
                return;
            }
            publisher.subscribe(number == 1 ? this : new Upstream(number));
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstreamSubscribed(1, subscription);
        }

        @Override
        public void onNext(Object item) {
            upstreamNext(1, item);
        }

        @Override
        public void onError(Throwable failure) {
            upstreamEnded(1, failure);
        }

        @Override
        public void onComplete() {
            upstreamEnded(1, null);
        }
    }

    /**
     * One subscription: one protected call, its attempts one after another, and the state of that call. A
     * subclass passes the signals on to its subscriber and subscribes to the bodies' publishers with subscribers of
     * its library's types, itself for the first attempt, which pass the publishers' signals on to
     * {@link #upstreamSubscribed}, {@link #upstreamNext} and {@link #upstreamEnded}.
     */
    public abstract class Subscription extends Call implements Flow.Subscription {
        /** The upstream number of the fallback's publisher and of the body's run unprotected after a fault of ours. */
        protected static final int FALLBACK = -1;
        protected static final int UNPROTECTED = -2;
        /** The call's receiver and arguments. */
        private final Assembly assembly;
        /**
         * All the subscriber requested, which a later attempt's publisher is asked for: no later attempt starts
         * once an item reached the subscriber, so none is owed less. Guarded by the lock.
         */
        private long requested;
        /** Written under the lock ({@link #markOver}); also read without it, where untimed allows. */
        private volatile boolean over;
        // Guarded by the lock.
        private Object upstream;
        private int settledAttempt;
        private boolean emitting;
        private boolean terminalDeferred;
        private Throwable deferredFailure;
        /**
         * The call's timer that may still fire: a rate-limiter wait, then the attempt's deadline, or a retry's
         * delay; one at a time, as each comes after the one before it fired or was cancelled.
         */
        private Future<?> timer;
        /**
         * Read by the decision that follows the attempt it ended, which a lock or the publisher's own ordering of
         * its signals puts after the write: written with a release store, without a volatile store's fence.
         */
        private volatile boolean emitted;
        /** Written as {@link #emitted} is; read by a fault of ours, which races the body's call either way. */
        private volatile boolean bodyInvoked;
        /** 1 while a thread holds the lock; a byte, which fits where the call's state leaves room. */
        private volatile byte locked;

        protected Subscription(Assembly assembly) {
            super(null, -1);
            this.assembly = assembly;
        }

        /**
         * Takes this subscription's lock: a spin lock, as no critical section runs the application's body or
         * subscriber or waits for long; a free one (almost always) costs one compare-and-set, where a monitor
         * costs two atomic operations.
         */
        private void lock() {
            if (!LOCKED.compareAndSet(this, (byte) 0, (byte) 1)) {
                lockContended();
            }
        }

        private void lockContended() {
            int spins = 0;
            while (!LOCKED.compareAndSet(this, (byte) 0, (byte) 1)) {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }

        private void unlock() {
            LOCKED.setRelease(this, (byte) 0);
        }

        /**
         * Under the lock: the call is over. A release store, without a volatile store's fence: whoever takes the
         * lock next sees it, and a read without the lock is only ever a hint, checked again under the lock or
         * as racy as a cancel arriving a moment later would be.
         */
        private void markOver() {
            OVER.setRelease(this, true);
        }

        /** Tells the subscriber it is subscribed, with this subscription. */
        protected abstract void signalSubscribed();

        protected abstract void signalNext(Object item);

        protected abstract void signalComplete();

        protected abstract void signalError(Throwable failure);

        /**
         * Subscribes to {@code body}, a publisher of the method's type, for attempt {@code number}; a fault of
         * ours goes to {@link #failedInside}.
         */
        protected abstract void subscribeBody(Object body, int number);

        /** Asks an upstream subscription, as handed to {@link #upstreamSubscribed}, for {@code n} more items. */
        protected void requestUpstream(Object subscription, long n) {
            ((Flow.Subscription) subscription).request(n);
        }

        protected void cancelUpstream(Object subscription) {
            ((Flow.Subscription) subscription).cancel();
        }

        /** Starts the call: the subscriber is subscribed, then the first attempt admitted. */
        public final void start() {
            begin(chain);
            Object started = observer.invocationStarted(chain.name);
            observed = started != CallObserver.NOT_RECORDING;
            observation = observed ? started : null;
            if (observed || chain.readsClockOnEntry) {
                invocationStartNanos = runtime.clock.nanoTime();
            }
            if (observed) {
                observer.invocationDetached(steps.traced(this));
            }
            signalSubscribed();
            try {
                steps.firstAttempt(chain);
                steps.readArguments(this, assembly.arguments());
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
            Object current;
            lock();
            try {
                requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
                current = upstream;
            } finally {
                unlock();
            }
            if (current != null) {
                requestUpstream(current, n);
            }
        }

        @Override
        public void cancel() {
            Object current;
            boolean ended;
            lock();
            try {
                current = upstream;
                upstream = null;
                ended = over;
                if (!ended) {
                    markOver();
                    cancelTimer();
                    if (settledAttempt < attempt) {
                        settledAttempt = attempt;
                        steps.releaseAll(this);
                    }
                }
            } finally {
                unlock();
            }
            if (current != null) {
                cancelUpstream(current);
            }
            if (!ended) {
                observer.invocationAbandoned(observation);
            }
        }

        /** Takes the attempt's permits outermost first, as the other drivers do; a rate-limiter wait is scheduled. */
        private void startAttempt() {
            int number;
            int next;
            lock();
            try {
                if (over) {
                    return;
                }
                number = attempt;
                timer = null;
                skipBody = false;
                rejection = 0;
                boolean admitted = true;
                if (chain.guarded() && !steps.admitBreaker(this)) {
                    admitted = false;
                } else if (chain.limiterSpec != null) {
                    long wait = steps.reserveRate(this, runtime.clock.nanoTime());
                    if (wait > 0) {
                        timer = runtime.schedule(guarded(this::rateGranted), wait);
                        return;
                    }
                    admitted = steps.rateDecided(this, wait == 0, RateLimiter.retryAfterNanos(wait));
                }
                if (admitted) {
                    next = openTimeout(number);
                } else {
                    settledAttempt = number;
                    next = REJECTED;
                }
            } finally {
                unlock();
            }
            proceed(number, next);
        }

        private void rateGranted() {
            int number;
            int next;
            lock();
            try {
                if (over) {
                    return;
                }
                number = attempt;
                steps.rateDecided(this, true, 0L);
                next = openTimeout(number);
            } finally {
                unlock();
            }
            proceed(number, next);
        }

        /**
         * Under the lock, in the admission's own critical section: starts the attempt's deadline before it waits
         * for a bulkhead, since the timeout bounds that wait: its own timeout's, or the enclosing synchronous
         * timeout's when that comes first. Says what comes next.
         */
        private int openTimeout(int number) {
            timed = chain.timeout != null;
            long now = untimed ? 0L : runtime.clock.nanoTime();
            long deadline = enclosingDeadline;
            if (timed) {
                deadlineNanos = saturatedAdd(now, steps.timeoutNanos(this, now));
                deadline = Math.min(deadline, deadlineNanos);
            }
            if (!untimed) {
                timer = runtime.schedule(guarded(() -> deadlineReached(number)), deadline - now);
            }
            if (chain.threadPool != null) {
                return POOLED;
            }
            if (!chain.takesSlot || steps.tryBulkhead(this)) {
                if (chain.takesSlot) {
                    steps.bulkheadDecided(this, true, false);
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
            lock();
            try {
                return settledAttempt >= number || over;
            } finally {
                unlock();
            }
        }

        /** On the timer's thread; runs none of the application's code. */
        private void pollBulkhead(int number, long since) {
            boolean invoke = false;
            boolean refused = false;
            lock();
            try {
                if (settledAttempt >= number || over) {
                    return;
                }
                long now = runtime.clock.nanoTime();
                if (steps.tryBulkhead(this)) {
                    steps.bulkheadDecided(this, true, false);
                    invoke = true;
                } else if (now - since + BULKHEAD_POLL_NANOS <= chain.bulkheadSpec.maxWaitNanos()) {
                    runtime.scheduleOnTimer(guarded(() -> pollBulkhead(number, since)), BULKHEAD_POLL_NANOS);
                } else {
                    settledAttempt = number;
                    cancelTimer();
                    steps.bulkheadDecided(this, false, timed && now - deadlineNanos >= 0);
                    refused = true;
                }
            } finally {
                unlock();
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
                lock();
                try {
                    steps.bulkheadDecided(this, true, false);
                } finally {
                    unlock();
                }
                invokeBody(number);
                return CompletableFuture.completedFuture(null);
            }).whenComplete((value, error) -> {
                if (started.get() || !(unwrap(error) instanceof BulkheadFullException)) {
                    return;
                }
                lock();
                try {
                    if (settledAttempt >= number || over) {
                        return;
                    }
                    settledAttempt = number;
                    cancelTimer();
                    steps.bulkheadDecided(this, false, false);
                } finally {
                    unlock();
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
            lock();
            try {
                if (settledAttempt >= number || over) {
                    return;
                }
                delay = steps.chaos(this);
                fault = injectedFault;
            } finally {
                unlock();
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
            BODY_INVOKED.setRelease(this, true);
            if (injected != null) {
                attemptEnded(number, injected);
                return;
            }
            Object body;
            try {
                body = runtime.invokeBodyBypassingAdvice(chain, declaringType, assembly.self(), assembly.arguments());
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
            int verdict;
            boolean succeeded;
            boolean deferred = false;
            lock();
            try {
                if (settledAttempt >= number || over) {
                    return;
                }
                settledAttempt = number;
                upstream = null;
                cancelTimer();
                // Only a timed attempt reads the time: its deadline, and an adaptive timeout's latency.
                long now = timed ? runtime.clock.nanoTime() : 0L;
                boolean timedOut = timed && now - deadlineNanos >= 0;
                verdict = steps.completeAttempt(this, failure == null ? null : steps.judgedType(failure),
                        timed, timedOut, now);
                // A success ends the call in the same critical section.
                succeeded = verdict == 0 && failure == null;
                if (succeeded) {
                    deferred = endCall(null);
                }
            } finally {
                unlock();
            }
            if (succeeded) {
                steps.succeeded(this);
                callEnded(null, deferred);
            } else if (verdict != 0) {
                decide(ChainRejection.TIMED_OUT.exception(chain.name, 0L), verdict);
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
            Object self = assembly.self();
            boolean retryable = chain.retryOnResult != null && chain.retryOnResult.test(item, declaringType, self);
            boolean recordable = chain.recordOnResult != null && chain.recordOnResult.test(item, declaringType, self);
            boolean failedResult;
            lock();
            try {
                if (settledAttempt >= number || over) {
                    return false;
                }
                settledAttempt = number;
                upstream = null;
                cancelTimer();
                retryableResult = retryable;
                recordableResult = recordable;
                failedResult = failedResult();
                if (failedResult) {
                    rejectingPolicy = chain.name;
                } else {
                    markOver();
                }
                steps.completeAttempt(this, null, timed, false, timed ? runtime.clock.nanoTime() : 0L);
            } finally {
                unlock();
            }
            if (failedResult) {
                decideFailedResult(item);
                return false;
            }
            steps.succeeded(this);
            long duration = observed ? runtime.clock.nanoTime() - invocationStartNanos : -1;
            steps.finished(observed, observation, chain, duration, null, null);
            return true;
        }

        /**
         * The attempt's deadline, its own or the enclosing one, passed before its publisher ended: it is
         * cancelled and timed out.
         */
        private void deadlineReached(int number) {
            Object current;
            int verdict;
            boolean own = timed && deadlineNanos <= enclosingDeadline;
            lock();
            try {
                if (settledAttempt >= number || over) {
                    return;
                }
                settledAttempt = number;
                current = upstream;
                upstream = null;
                verdict = steps.completeAttempt(this, ChainRejection.TIMED_OUT.type, timed, own,
                        runtime.clock.nanoTime());
            } finally {
                unlock();
            }
            if (current != null) {
                cancelUpstream(current);
            }
            decide(ChainRejection.TIMED_OUT.exception(own ? chain.name : enclosingTimeoutSite, 0L), verdict);
        }

        /** After an attempt whose item was judged a failure: as {@link #decide}, with the item in place of an error. */
        private void decideFailedResult(Object item) {
            long delay = steps.nextAttemptDelay(this, null, CircuitBreaker.RESULT_FAILURE, 0,
                    runtime.clock.nanoTime(), enclosingDeadline);
            if (delay != PolicySteps.NO_RETRY) {
                scheduleRetry(delay);
                return;
            }
            steps.retryFinished(this, loopOutcome);
            if (steps.fallbackApplies(this, CircuitBreaker.RESULT_FAILURE, null)) {
                steps.fallingBack(chain, observation);
                runtime.execute(guarded(() -> fallback(new ResultFailureException(chain.name, item))));
                return;
            }
            lock();
            try {
                if (over) {
                    return;
                }
                markOver();
            } finally {
                unlock();
            }
            long duration = observed ? runtime.clock.nanoTime() - invocationStartNanos : -1;
            steps.finished(observed, observation, chain, duration, CircuitBreaker.RESULT_FAILURE, null);
            signalNext(item);
            signalComplete();
        }

        /** The attempt, settled already, was refused at admission. */
        private void rejected() {
            decide(ChainRejection.of(rejection).exception(rejectingPolicy, rejectionRetryAfterNanos),
                    rejection);
        }

        /** After an attempt: retry it later, or end the call (through the fallback if it applies). */
        private void decide(Throwable failure, int refusal) {
            if (failure == null) {
                steps.succeeded(this);
                finish(null);
                return;
            }
            Class<? extends Throwable> judged = refusal != 0 ? failure.getClass() : steps.judgedType(failure);
            if (emitted) {
                loopOutcome = CallObserver.RetryOutcome.FAILURE;
            } else {
                long delay = steps.nextAttemptDelay(this, refusal != 0 ? null : failure, judged, refusal,
                        runtime.clock.nanoTime(), enclosingDeadline);
                if (delay != PolicySteps.NO_RETRY) {
                    scheduleRetry(delay);
                    return;
                }
            }
            steps.retryFinished(this, loopOutcome);
            if (!emitted && steps.fallbackApplies(this, judged, failure.getClass())) {
                steps.fallingBack(chain, observation);
                runtime.execute(guarded(() -> fallback(failure)));
            } else {
                finish(failure);
            }
        }

        private void scheduleRetry(long delay) {
            lock();
            try {
                if (over) {
                    return;
                }
                steps.retrying(this);
                timer = runtime.schedule(guarded(this::startAttempt), delay);
            } finally {
                unlock();
            }
        }

        /** The fallback's value, or the items of the publisher it returned, go to the subscriber. */
        private void fallback(Throwable failure) {
            Object outcome;
            try {
                outcome = steps.invokeFallback(chain, declaringType, assembly.self(), assembly.arguments(), failure);
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
                publisher.subscribe(new Upstream(FALLBACK));
            }
        }

        /** The call ends: telemetry is told, and the subscriber gets its terminal signal. */
        private void finish(Throwable failure) {
            boolean deferred;
            lock();
            try {
                if (over) {
                    return;
                }
                deferred = endCall(failure);
            } finally {
                unlock();
            }
            callEnded(failure, deferred);
        }

        /**
         * Under the lock, the call not over yet: it is now. Says whether its terminal signal waits for an item
         * being passed on meanwhile.
         */
        private boolean endCall(Throwable failure) {
            markOver();
            upstream = null;
            cancelTimer();
            if (emitting) {
                terminalDeferred = true;
                deferredFailure = failure;
                return true;
            }
            return false;
        }

        /** Telemetry is told of the call's end, and the subscriber gets its terminal signal unless it waits. */
        private void callEnded(Throwable failure, boolean deferred) {
            long duration = observed ? runtime.clock.nanoTime() - invocationStartNanos : -1;
            steps.finished(observed, observation, chain, duration,
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
                lock();
                try {
                    emitting = false;
                    deferred = terminalDeferred;
                    failure = deferredFailure;
                    terminalDeferred = false;
                } finally {
                    unlock();
                }
                if (deferred) {
                    signal(failure);
                }
            }
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
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
        final void failedInside(Throwable error) {
            runtime.reportInternalError(chain.name, error);
            Object current;
            lock();
            try {
                current = upstream;
                upstream = null;
                cancelTimer();
                if (settledAttempt < attempt) {
                    settledAttempt = attempt;
                    steps.releaseAll(this);
                }
                if (over) {
                    return;
                }
                markOver();
            } finally {
                unlock();
            }
            if (current != null) {
                cancelUpstream(current);
            }
            observer.invocationAbandoned(observation);
            if (bodyInvoked) {
                signal(error);
            } else {
                runUnprotected();
            }
        }

        private void runUnprotected() {
            Flow.Publisher<Object> publisher;
            try {
                publisher = type.toFlow(runtime.invokeBodyBypassingAdvice(chain, declaringType, assembly.self(),
                        assembly.arguments()), declaringType);
            } catch (Throwable failure) {
                signal(failure);
                return;
            }
            publisher.subscribe(new Upstream(UNPROTECTED));
        }

        /** Whether upstream {@code number}'s signals still count. */
        private boolean current(int number) {
            return number < 0 ? number == UNPROTECTED || !over : settledAttempt < number && !over;
        }

        /**
         * Upstream {@code number} (an attempt's, {@link #FALLBACK} or {@link #UNPROTECTED}) was subscribed with
         * {@code subscription}: it is asked for all the subscriber requested, or cancelled when it no longer counts.
         */
        protected final void upstreamSubscribed(int number, Object subscription) {
            long demand;
            lock();
            try {
                if (!current(number)) {
                    demand = -1;
                } else {
                    upstream = subscription;
                    demand = requested;
                }
            } finally {
                unlock();
            }
            if (demand < 0) {
                cancelUpstream(subscription);
            } else if (demand > 0) {
                requestUpstream(subscription, demand);
            }
        }

        protected final void upstreamNext(int number, Object item) {
            if (number > 0 && type.single()) {
                if (singleItem(number, item)) {
                    signalNext(item);
                    signalComplete();
                }
                return;
            }
            if (untimed) {
                passOn(number, item);
                return;
            }
            lock();
            try {
                if (!current(number)) {
                    return;
                }
                emitting = true;
                EMITTED.setRelease(this, true);
            } finally {
                unlock();
            }
            emit(item);
        }

        /**
         * An item of an untimed call: no other thread can end the attempt meanwhile, so no terminal signal waits
         * for it, and it needs no lock.
         */
        private void passOn(int number, Object item) {
            if (number != UNPROTECTED && over) {
                return;
            }
            if (!emitted) {
                EMITTED.setRelease(this, true);
            }
            signalNext(item);
        }

        /** Upstream {@code number} ended, with {@code failure} or (null) completing. */
        protected final void upstreamEnded(int number, Throwable failure) {
            if (number > 0) {
                attemptEnded(number, failure);
            } else if (number == FALLBACK) {
                finish(failure);
            } else {
                signal(failure);
            }
        }

        /** Subscribes to a later attempt's publisher, the fallback's, or the unprotected body's, as a Flow publisher. */
        protected final class Upstream implements Flow.Subscriber<Object> {
            private final int number;

            Upstream(int number) {
                this.number = number;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                upstreamSubscribed(number, subscription);
            }

            @Override
            public void onNext(Object item) {
                upstreamNext(number, item);
            }

            @Override
            public void onError(Throwable failure) {
                upstreamEnded(number, failure);
            }

            @Override
            public void onComplete() {
                upstreamEnded(number, null);
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
