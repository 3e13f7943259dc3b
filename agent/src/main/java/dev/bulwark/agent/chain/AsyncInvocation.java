package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.ResultFailureException;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The asynchronous driver of the chain, for one invocation of a method returning a {@code CompletionStage}: the
 * same {@link PolicySteps} as a synchronous call, walked without blocking a thread. A rate-limiter wait, a
 * bulkhead wait and a retry's backoff are scheduled on the runtime's timer; the attempt's deadline is a timer
 * that completes the caller's stage exceptionally and cancels the body's; permits are released and outcomes
 * recorded when the body's stage completes.
 *
 * <p>Each attempt has a number; the first of its body's completion, its deadline and a refusal to claim that
 * number ends the attempt, so an attempt ends exactly once. The steps that touch an attempt's permits before
 * its body runs (a bulkhead poll, a deadline) run on the timer's one thread, so they never race each other.
 *
 * <p>A retry goes on with the chain it started with, whatever a reload does meanwhile. An invocation started
 * inside a synchronous timeout ends by that timeout's deadline, as a nested synchronous call would.
 */
final class AsyncInvocation {
    private static final long BULKHEAD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int ABANDONED = Integer.MAX_VALUE;

    private final AsyncRuntime runtime;
    private final PolicySteps steps;
    private final Call call;
    private final SiteChain chain;
    private final Class<?> declaringType;
    private final Object self;
    private final Object[] arguments;
    /** The deadline of the synchronous timeout around the caller, on the exact clock; {@code Long.MAX_VALUE} for none. */
    private final long enclosingDeadline;
    private final String enclosingTimeoutSite;
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private final AtomicInteger settledAttempt = new AtomicInteger();
    private volatile CompletionStage<?> pendingBody;
    private volatile Future<?> attemptTimer;
    /** Whether a body ran: until then a fault of ours lets the caller run the method unprotected instead. */
    private volatile boolean bodyInvoked;

    /**
     * @param call the invocation's state, on no thread's stack
     * @param enclosingTimeoutSite the site whose timeout {@code enclosingDeadline} is, or null
     */
    AsyncInvocation(AsyncRuntime runtime, Call call, Class<?> declaringType, Object self, Object[] arguments,
                    long enclosingDeadline, String enclosingTimeoutSite) {
        this.runtime = runtime;
        this.steps = runtime.steps;
        this.call = call;
        this.chain = call.site;
        this.declaringType = declaringType;
        this.self = self;
        this.arguments = arguments;
        this.enclosingDeadline = enclosingTimeoutSite == null ? Long.MAX_VALUE : enclosingDeadline;
        this.enclosingTimeoutSite = enclosingTimeoutSite;
        steps.readArguments(call, arguments);
    }

    /**
     * Starts the first attempt on the caller's thread and returns the caller's stage. A fault of ours before any
     * body ran is thrown, so the caller runs the method unprotected; after that it completes the stage.
     */
    CompletableFuture<Object> start() {
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                cancelAttempt();
            }
        });
        try {
            startAttempt();
        } catch (RuntimeException | Error error) {
            if (bodyInvoked) {
                failedInside(error);
            } else {
                settledAttempt.set(ABANDONED);
                cancelTimer();
                steps.releaseAll(call);
                throw error;
            }
        }
        return result;
    }

    /** Takes the attempt's permits outermost first, as the synchronous driver does; waits are scheduled. */
    private void startAttempt() {
        if (result.isDone()) {
            return;
        }
        call.skipBody = false;
        call.rejection = 0;
        if (chain.guarded() && !steps.admitBreaker(call)) {
            refused();
            return;
        }
        if (chain.limiterSpec != null) {
            long wait = steps.reserveRate(call, runtime.clock.nanoTime());
            if (wait > 0) {
                runtime.schedule(guarded(this::rateGranted), wait);
                return;
            }
            if (!steps.rateDecided(call, wait == 0, RateLimiter.retryAfterNanos(wait))) {
                refused();
                return;
            }
        }
        openTimeout();
    }

    private void rateGranted() {
        steps.rateDecided(call, true, 0L);
        openTimeout();
    }

    /**
     * Starts the attempt's deadline, before it waits for a bulkhead, since the timeout bounds that wait: its own
     * timeout's, or the enclosing synchronous timeout's when that comes first.
     */
    private void openTimeout() {
        long now = runtime.clock.nanoTime();
        long deadline = enclosingDeadline;
        call.timed = chain.timeout != null;
        if (call.timed) {
            call.deadlineNanos = saturatedAdd(now, steps.timeoutNanos(call, now));
            deadline = Math.min(deadline, call.deadlineNanos);
        }
        int number = call.attempt;
        if (chain.threadPool != null) {
            armTimer(number, deadline, now);
            submitToPool(number);
        } else if (!chain.takesSlot || steps.tryBulkhead(call)) {
            if (chain.takesSlot) {
                steps.bulkheadDecided(call, true, false);
            }
            armTimer(number, deadline, now);
            invokeBody(number);
        } else {
            // Armed after the failed try, so that the timer's thread sees every write of this one.
            armTimer(number, deadline, now);
            runtime.scheduleOnTimer(guarded(() -> pollBulkhead(number, now)), 0L);
        }
    }

    private void armTimer(int number, long deadline, long now) {
        if (deadline != Long.MAX_VALUE) {
            attemptTimer = runtime.scheduleOnTimer(guarded(() -> deadlineReached(number)), deadline - now);
        }
    }

    /** On the timer's thread, like the deadline: a slot taken here is never raced by a timeout. */
    private void pollBulkhead(int number, long since) {
        if (settledAttempt.get() >= number) {
            return;
        }
        if (steps.tryBulkhead(call)) {
            steps.bulkheadDecided(call, true, false);
            runtime.execute(guarded(() -> invokeBody(number)));
            return;
        }
        long now = runtime.clock.nanoTime();
        // Polls for up to maxWait: a deadline that comes first is the attempt's timer's to claim, as a timeout.
        if (now - since + BULKHEAD_POLL_NANOS <= chain.bulkheadSpec.maxWaitNanos()) {
            runtime.scheduleOnTimer(guarded(() -> pollBulkhead(number, since)), BULKHEAD_POLL_NANOS);
        } else if (claim(number)) {
            cancelTimer();
            steps.bulkheadDecided(call, false, call.timed && now - call.deadlineNanos >= 0);
            runtime.execute(guarded(this::rejected));
        }
    }

    private void submitToPool(int number) {
        AtomicBoolean started = new AtomicBoolean();
        chain.threadPool.submit(() -> {
            started.set(true);
            steps.bulkheadDecided(call, true, false);
            CompletionStage<Object> body = invokeBody(number);
            return body == null ? CompletableFuture.completedFuture(null) : body;
        }).whenComplete((value, error) -> {
            if (!started.get() && unwrap(error) instanceof BulkheadFullException && claim(number)) {
                cancelTimer();
                steps.bulkheadDecided(call, false, false);
                rejected();
            }
        });
    }

    /**
     * Runs the attempt's body, or what chaos puts in its place: an injected delay is scheduled on the timer, never
     * waited out on a thread, so the attempt's deadline claims the attempt first when it is due sooner; an injected
     * fault completes the attempt exceptionally instead of the body. The stage holds a thread pool's slot until the
     * delay is over. Null when the attempt already ended.
     */
    private CompletionStage<Object> invokeBody(int number) {
        if (chain.chaos == null) {
            return runBody(number, null);
        }
        if (settledAttempt.get() >= number) {
            return null;
        }
        long delay = steps.chaos(call);
        Throwable fault = call.injectedFault;
        if (delay <= 0) {
            return runBody(number, fault);
        }
        CompletableFuture<Object> delayed = new CompletableFuture<>();
        // Cancelled as a body is, by the deadline (which frees a thread pool's slot) or by the caller (the attempt
        // then ends at once, as with a cancelled body, instead of holding its permits until the delay is over).
        delayed.whenComplete((value, error) -> {
            if (delayed.isCancelled()) {
                try {
                    bodyEnded(number, null, error);
                } catch (RuntimeException | Error broken) {
                    failedInside(broken);
                }
            }
        });
        pendingBody = delayed;
        if (settledAttempt.get() >= number) {
            delayed.cancel(true);
            return delayed;
        }
        runtime.schedule(guarded(() -> {
            if (delayed.isDone()) {
                return;
            }
            CompletionStage<Object> stage = runBody(number, fault);
            if (stage == null) {
                delayed.complete(null);
            } else {
                stage.whenComplete((value, error) -> {
                    if (error == null) {
                        delayed.complete(value);
                    } else {
                        delayed.completeExceptionally(error);
                    }
                });
            }
        }), delay);
        return delayed;
    }

    /**
     * Runs the body once, on the current thread, or fails the attempt with {@code injected} when chaos injected one;
     * null when the attempt already ended (its deadline passed).
     */
    private CompletionStage<Object> runBody(int number, Throwable injected) {
        if (settledAttempt.get() >= number) {
            return null;
        }
        bodyInvoked = true;
        CompletionStage<Object> stage;
        try {
            stage = injected != null ? CompletableFuture.failedFuture(injected)
                    : runtime.invokeBypassingAdvice(chain, declaringType, self, arguments);
        } catch (Throwable thrown) {
            stage = CompletableFuture.failedFuture(thrown);
        }
        if (stage == null) {
            stage = CompletableFuture.failedFuture(new NullPointerException(chain.name + " returned a null CompletionStage"));
        }
        pendingBody = stage;
        if (settledAttempt.get() >= number) {
            stage.toCompletableFuture().cancel(true);
        }
        stage.whenComplete((value, error) -> {
            try {
                bodyEnded(number, value, error);
            } catch (RuntimeException | Error fault) {
                failedInside(fault);
            }
        });
        return stage;
    }

    /** On whichever thread completed the body's stage. */
    private void bodyEnded(int number, Object value, Throwable error) {
        if (!claim(number)) {
            return;
        }
        cancelTimer();
        Throwable failure = unwrap(error);
        if (error == null && chain.judgesResult) {
            steps.resultFailed(call, value, declaringType, self);
        }
        long now = runtime.clock.nanoTime();
        boolean timedOut = call.timed && now - call.deadlineNanos >= 0;
        int rejection = steps.completeAttempt(call, steps.judgedType(failure), call.timed, timedOut, now);
        if (rejection != 0) {
            decide(null, ChainRejection.TIMED_OUT.exception(chain.name, 0L), rejection);
        } else {
            decide(value, failure, 0);
        }
    }

    /** On the timer's thread: the attempt's own deadline, or the enclosing one, came first. */
    private void deadlineReached(int number) {
        if (!claim(number)) {
            return;
        }
        boolean own = call.timed && call.deadlineNanos <= enclosingDeadline;
        Throwable failure = ChainRejection.TIMED_OUT.exception(own ? chain.name : enclosingTimeoutSite, 0L);
        int rejection = steps.completeAttempt(call, failure.getClass(), call.timed, own, runtime.clock.nanoTime());
        // Cancelling the body runs whatever depends on its stage: the application's code, so not on the timer.
        runtime.execute(guarded(() -> {
            cancelBody();
            decide(null, failure, rejection);
        }));
    }

    /** The attempt, claimed already, was refused at admission; its failure is the rejection's exception. */
    private void rejected() {
        decide(null, ChainRejection.of(call.rejection).exception(call.rejectingPolicy, call.rejectionRetryAfterNanos),
                call.rejection);
    }

    private void refused() {
        if (claim(call.attempt)) {
            rejected();
        }
    }

    /**
     * After an attempt: retry it later, or complete the caller's stage (through the fallback if it applies). An
     * attempt whose value was judged a failure has {@code failure} null; when it is not retried the caller gets
     * that value, or the fallback a {@link ResultFailureException} carrying it.
     */
    private void decide(Object value, Throwable failure, int rejection) {
        if (result.isDone()) {
            return;
        }
        boolean failedResult = call.failedResult();
        if (failure == null && !failedResult) {
            steps.succeeded(call);
            finish(value, null);
            return;
        }
        Class<? extends Throwable> judged = failedResult ? CircuitBreaker.RESULT_FAILURE
                : rejection != 0 ? failure.getClass() : steps.judgedType(failure);
        long delay = steps.nextAttemptDelay(call, rejection != 0 ? null : failure, judged, rejection,
                runtime.clock.nanoTime(), enclosingDeadline);
        if (delay != PolicySteps.NO_RETRY) {
            steps.retrying(call);
            runtime.schedule(guarded(this::startAttempt), delay);
            return;
        }
        steps.retryFinished(call, call.loopOutcome);
        if (steps.fallbackApplies(call, judged, failedResult ? null : failure.getClass())) {
            Throwable handed = failedResult ? new ResultFailureException(chain.name, value) : failure;
            steps.fallingBack(chain, call.observation);
            runtime.execute(guarded(() -> fallback(handed)));
        } else if (failedResult) {
            finish(value, null, CircuitBreaker.RESULT_FAILURE);
        } else {
            finish(null, failure);
        }
    }

    private void fallback(Throwable failure) {
        Object outcome;
        try {
            outcome = steps.invokeFallback(chain, declaringType, self, arguments, failure);
        } catch (Throwable fallbackFailure) {
            finish(null, fallbackFailure);
            return;
        }
        if (outcome instanceof CompletionStage) {
            ((CompletionStage<?>) outcome).whenComplete((value, error) -> finish(value, unwrap(error)));
        } else {
            finish(outcome, null);
        }
    }

    private void finish(Object value, Throwable failure) {
        finish(value, failure, failure == null ? null : failure.getClass());
    }

    /** @param failureType what telemetry records the invocation failed with: {@code failure}'s type, or a result's */
    private void finish(Object value, Throwable failure, Class<? extends Throwable> failureType) {
        long duration = call.observed ? runtime.clock.nanoTime() - call.invocationStartNanos : -1;
        steps.finished(call.observed, call.observation, chain, duration, failureType, failure);
        if (failure == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(failure);
        }
    }

    private boolean claim(int number) {
        return settledAttempt.compareAndSet(number - 1, number);
    }

    private void cancelTimer() {
        Future<?> timer = attemptTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void cancelBody() {
        CompletionStage<?> body = pendingBody;
        if (body != null) {
            body.toCompletableFuture().cancel(true);
        }
    }

    /** The caller cancelled its stage: the body's stage is cancelled too, and its end releases the permits. */
    private void cancelAttempt() {
        cancelTimer();
        cancelBody();
    }

    /** A scheduled step of this invocation; a fault of ours in it completes the caller's stage, never leaves it open. */
    private Runnable guarded(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (RuntimeException | Error error) {
                failedInside(error);
            }
        };
    }

    private void failedInside(Throwable error) {
        try {
            runtime.reportInternalError(chain.name, error);
            int settled = settledAttempt.getAndSet(ABANDONED);
            cancelTimer();
            if (settled < call.attempt) {
                steps.abandoned(call);
            }
        } finally {
            result.completeExceptionally(error);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
