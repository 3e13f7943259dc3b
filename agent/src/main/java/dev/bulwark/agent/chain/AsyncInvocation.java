package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.TimeoutExceededException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One invocation of a method returning a {@code CompletionStage}, run through the chain without blocking a
 * thread: permits are released and outcomes recorded when the stage completes, a retry is scheduled rather
 * than slept, a rate-limiter or bulkhead wait is scheduled too, and a timeout completes the caller's stage
 * exceptionally and cancels the body's.
 *
 * <p>Each attempt has a number; the first of its completion and its timeout to claim that number decides
 * the attempt, so an attempt ends exactly once.
 */
final class AsyncInvocation {
    private static final long BULKHEAD_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AsyncRuntime runtime;
    private final SiteChain chain;
    private final Class<?> declaringType;
    private final Object self;
    private final Object[] arguments;
    private final Object observation;
    private final long startNanos;
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private final AtomicInteger settledAttempt = new AtomicInteger();
    private final Object rateKey;
    private int attempt;
    private long previousDelayNanos;
    private volatile CompletionStage<Object> pendingBody;

    AsyncInvocation(AsyncRuntime runtime, SiteChain chain, Class<?> declaringType, Object self, Object[] arguments,
                    Object observation, long startNanos) {
        this.runtime = runtime;
        this.chain = chain;
        this.declaringType = declaringType;
        this.self = self;
        this.arguments = arguments;
        this.observation = observation;
        this.startNanos = startNanos;
        this.rateKey = chain.keyedLimiter == null ? null : chain.rateKey.extract(arguments);
    }

    CompletableFuture<Object> start() {
        attempt = 1;
        admit();
        return result;
    }

    /** Takes the attempt's permits in SPEC order; a wait is scheduled, never slept. */
    private void admit() {
        long now = runtime.clock.nanoTime();
        long permit = Call.NO_PERMIT;
        if (chain.breaker != null) {
            permit = chain.breaker.tryAcquirePermission(chain.breaker.nanoTime());
            if (permit < 0) {
                reject(CircuitOpenException.class, new CircuitOpenException(chain.breaker.name()), chain.breaker.name(),
                        Call.NO_PERMIT, CallObserver.Rejection.CIRCUIT_BREAKER);
                return;
            }
        }
        long breakerPermit = permit;
        if (chain.limiterSpec != null) {
            long wait = chain.keyedLimiter != null
                    ? chain.keyedLimiter.reserve(rateKey, now, chain.limiterSpec.maxWaitNanos())
                    : chain.limiter.reserve(now, chain.limiterSpec.maxWaitNanos());
            runtime.observer.rateLimiter(chain.limiterSpec.name(), wait >= 0);
            if (wait < 0) {
                reject(RateLimitedException.class, new RateLimitedException(chain.limiterSpec.name()), chain.limiterSpec.name(),
                        breakerPermit, CallObserver.Rejection.RATE_LIMITER);
                return;
            }
            if (wait > 0) {
                runtime.schedule(() -> enterBulkhead(breakerPermit, runtime.clock.nanoTime()), wait);
                return;
            }
        }
        enterBulkhead(breakerPermit, now);
    }

    private void enterBulkhead(long breakerPermit, long since) {
        if (chain.threadPool != null) {
            int number = attempt;
            boolean[] started = new boolean[1];
            chain.threadPool.submit(() -> {
                started[0] = true;
                runtime.observer.bulkhead(chain.bulkheadSpec.name(), true);
                return invokeBody(number, breakerPermit, false);
            }).whenComplete((value, error) -> {
                Throwable failure = unwrap(error);
                if (failure instanceof BulkheadFullException && !started[0]) {
                    runtime.observer.bulkhead(chain.bulkheadSpec.name(), false);
                    reject(BulkheadFullException.class, failure, chain.bulkheadSpec.name(), breakerPermit,
                            CallObserver.Rejection.BULKHEAD);
                }
            });
            return;
        }
        if (chain.bulkhead == null || chain.bulkhead.tryAcquire()) {
            if (chain.bulkhead != null) {
                runtime.observer.bulkhead(chain.bulkheadSpec.name(), true);
            }
            invokeBody(attempt, breakerPermit, chain.bulkhead != null);
            return;
        }
        long now = runtime.clock.nanoTime();
        if (now - since + BULKHEAD_POLL_NANOS <= chain.bulkheadSpec.maxWaitNanos()) {
            runtime.schedule(() -> enterBulkhead(breakerPermit, since), BULKHEAD_POLL_NANOS);
            return;
        }
        runtime.observer.bulkhead(chain.bulkheadSpec.name(), false);
        reject(BulkheadFullException.class, new BulkheadFullException(chain.bulkheadSpec.name()), chain.bulkheadSpec.name(),
                breakerPermit, CallObserver.Rejection.BULKHEAD);
    }

    /**
     * Runs the body once, on the current thread, and wires its stage to the end of the attempt. Returns the
     * stage for a thread-pool bulkhead, which completes its own future from it.
     */
    private CompletionStage<Object> invokeBody(int number, long breakerPermit, boolean holdsBulkhead) {
        long attemptStart = runtime.clock.nanoTime();
        CompletionStage<Object> stage;
        try {
            stage = runtime.invokeBypassingAdvice(chain, declaringType, self, arguments);
        } catch (Throwable thrown) {
            stage = CompletableFuture.failedFuture(thrown);
        }
        if (stage == null) {
            stage = CompletableFuture.failedFuture(new NullPointerException(chain.name + " returned a null CompletionStage"));
        }
        CompletionStage<Object> body = stage;
        pendingBody = body;
        Future<?> timeout = chain.timeout == null ? null
                : runtime.schedule(() -> timedOut(number, breakerPermit, holdsBulkhead, attemptStart),
                chain.timeout.timeoutNanos() - (runtime.clock.nanoTime() - attemptStart));
        body.whenComplete((value, error) -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (settledAttempt.compareAndSet(number - 1, number)) {
                attemptEnded(breakerPermit, holdsBulkhead, attemptStart, value, unwrap(error), false);
            }
        });
        return body;
    }

    private void timedOut(int number, long breakerPermit, boolean holdsBulkhead, long attemptStart) {
        if (!settledAttempt.compareAndSet(number - 1, number)) {
            return;
        }
        runtime.observer.timeout(observation, chain.name, true);
        runtime.observer.rejected(observation, chain.name, CallObserver.Rejection.TIMEOUT);
        // Cancelled before the caller's stage completes, so whoever sees the timeout also sees the cancellation.
        CompletionStage<Object> body = pendingBody;
        if (body != null) {
            body.toCompletableFuture().cancel(true);
        }
        attemptEnded(breakerPermit, holdsBulkhead, attemptStart, null, new TimeoutExceededException(chain.name), true);
    }

    private void reject(Class<? extends Throwable> type, Throwable failure, String policy, long breakerPermit,
                        CallObserver.Rejection rejection) {
        runtime.observer.rejected(observation, policy, rejection);
        if (breakerPermit != Call.NO_PERMIT) {
            chain.breaker.onComplete(breakerPermit, type, 0, chain.breaker.nanoTime());
        }
        if (settledAttempt.compareAndSet(attempt - 1, attempt)) {
            decide(null, failure, type == CircuitOpenException.class);
        }
    }

    /** Ends an attempt; the caller has claimed it, so this runs once per attempt. */
    private void attemptEnded(long breakerPermit, boolean holdsBulkhead, long attemptStart, Object value,
                              Throwable failure, boolean byTimeout) {
        long now = runtime.clock.nanoTime();
        if (holdsBulkhead) {
            chain.bulkhead.release();
        }
        if (chain.timeout != null && !byTimeout) {
            runtime.observer.timeout(observation, chain.name, false);
        }
        if (breakerPermit != Call.NO_PERMIT) {
            // the duration is exact; the moment it ended is on the breaker's clock, like every time the breaker sees
            chain.breaker.onComplete(breakerPermit, failure == null ? null : failure.getClass(), now - attemptStart,
                    chain.breaker.nanoTime());
        }
        decide(value, failure, false);
    }

    /** After an attempt: retry it later, or complete the caller's stage (through the fallback if it applies). */
    private void decide(Object value, Throwable failure, boolean ownBreakerOpen) {
        CallObserver.RetryOutcome outcome = retryOutcome(failure, ownBreakerOpen);
        if (outcome == null) {
            return;
        }
        if (chain.retry != null) {
            runtime.observer.retryFinished(chain.retry.spec().name(), outcome);
        }
        if (failure == null) {
            finish(value, null);
        } else if (chain.fallbackApplies(failure.getClass())) {
            runtime.observer.fallback(observation, chain.name);
            fallback(failure);
        } else {
            finish(null, failure);
        }
    }

    /** Null when a retry has been scheduled; otherwise how the retry loop ended. */
    private CallObserver.RetryOutcome retryOutcome(Throwable failure, boolean ownBreakerOpen) {
        CallObserver.RetryOutcome verdict = chain.retryVerdict(failure == null ? null : failure.getClass(), ownBreakerOpen, attempt);
        if (verdict != null) {
            return verdict;
        }
        long delay = chain.retry.delayNanos(attempt, previousDelayNanos, ChainDispatcher.RANDOM);
        if (!chain.retry.nextAttemptFits(delay, runtime.clock.nanoTime(), startNanos, Long.MAX_VALUE)) {
            return CallObserver.RetryOutcome.EXHAUSTED;
        }
        previousDelayNanos = delay;
        attempt++;
        runtime.observer.retryAttempt(observation, chain.retry.spec().name(), attempt);
        runtime.schedule(this::admit, delay);
        return null;
    }

    private void fallback(Throwable failure) {
        Object outcome;
        try {
            outcome = chain.fallback.invoke(declaringType, self, arguments, failure);
        } catch (SiblingMethod.Unresolvable e) {
            runtime.reportFallbackFailure(chain.name, e);
            finish(null, failure);
            return;
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
        runtime.observer.invocationFinished(observation, chain.name, runtime.clock.nanoTime() - startNanos,
                failure == null ? null : failure.getClass(), failure);
        if (failure == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(failure);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
