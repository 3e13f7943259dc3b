package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;

import java.util.List;
import java.util.function.Supplier;

/**
 * What the chain tells telemetry about its decisions. Telemetry observes; it never changes a decision.
 * Implementations must not throw: an exception here counts as a failure of Bulwark's own code, and the call
 * it happened in goes on unprotected. Every method is called on the caller's thread, on the hot path, so
 * implementations must be cheap and should not allocate when nothing is recorded.
 */
public interface CallObserver {
    CallObserver NONE = new CallObserver() {
        @Override
        public SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
            return SiteMetrics.NONE;
        }
    };

    /**
     * What {@link #invocationStarted} returns while the observer records nothing. The chain then skips that
     * invocation's callbacks on its way to success (admissions, timeout, retry, finished: they would record
     * nothing) and does not time it: a chain without time-based policies reads the clock only for a recorded
     * duration, since one clock read costs more than the rest of such a call. Rejections are still reported.
     */
    Object NOT_RECORDING = new Object();

    /**
     * Where the application's classes are: every class loader that defined a woven class and is not collected yet,
     * for an observer that looks for the application's telemetry in them. Read at each look, never kept.
     */
    default void applicationLoaders(Supplier<List<ClassLoader>> loaders) {
    }

    /**
     * What {@link #invocationStarted} returns when it counts the invocation but keeps nothing of it (metrics
     * without spans). The chain then times it at the millisecond clock's resolution, reusing an exact reading
     * only where its policies took one, and tells only its {@link SiteMetrics} of its end.
     */
    Object COUNTING = new Object();

    /**
     * What {@link #invocationStarted} returns for an invocation that is counted and timed as {@link #COUNTING}
     * and becomes a span only if something happens to it (eventful spans). The chain asks
     * {@link #invocationTraced} for its handle before it reports the first event (a retry, rejection, chaos
     * injection, fallback, a failure at its end) or before the invocation leaves its thread; until then, and for
     * good if nothing happens, it costs what an invocation only counted costs.
     */
    Object EVENTFUL = new Object();

    /** How a retry loop ended: the {@code outcome} of the {@code bulwark.retry.calls} metric (docs/telemetry.md). */
    enum RetryOutcome {
        SUCCESS("success"), SUCCESS_AFTER_RETRY("success_after_retry"), FAILURE("failure"), EXHAUSTED("exhausted"),
        ABORTED("aborted"),
        /** The retry's budget refused the next attempt. */
        BUDGET_EXHAUSTED("budget_exhausted");

        private final String attributeValue;

        RetryOutcome(String attributeValue) {
            this.attributeValue = attributeValue;
        }

        public String attributeValue() {
            return attributeValue;
        }
    }

    /** Which policy rejected a call. */
    enum Rejection {
        CIRCUIT_BREAKER, BULKHEAD, RATE_LIMITER, TIMEOUT
    }

    /** Told of each breaker's outcomes and transitions; called once per breaker, when it is created. */
    default CircuitBreakerListener circuitBreakerListener() {
        return CircuitBreakerListener.NOOP;
    }

    /**
     * The counts of one site, held by its chain while it is in use; the names of its retry, bulkhead and rate
     * limiter are null where it has none. A site is in its class loader's scope, each policy in the scope its
     * name is shared in. Not on the call path: called when a chain is built.
     */
    default SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
        return new ForwardingMetrics(this, site.name(), nameOf(retry), nameOf(bulkhead), nameOf(limiter));
    }

    private static String nameOf(PolicyName policy) {
        return policy == null ? null : policy.name();
    }

    /** Gives telemetry the registry, for gauges that read current states. */
    default void observe(PolicyRegistry registry) {
    }

    /**
     * A protected invocation of {@code site} ({@code com.acme.Foo#bar}) starts on this thread. The returned
     * handle (a span, say) comes back to every later callback of the same invocation; null is fine, and
     * {@link #NOT_RECORDING} says that nothing is recorded now.
     */
    default Object invocationStarted(String site) {
        return NOT_RECORDING;
    }

    /**
     * The handle that an invocation started {@link #EVENTFUL} carries from now on, called on its thread before its
     * first event, or before it leaves that thread. {@code startNanos} is when it started on
     * {@code System.nanoTime()}'s scale, read on the millisecond clock unless its policies read the exact one.
     */
    default Object invocationTraced(String site, long startNanos) {
        return COUNTING;
    }

    /**
     * An asynchronous invocation leaves the thread that started it: whatever {@link #invocationStarted} made
     * current on that thread must be undone now; the invocation itself goes on, and its later callbacks,
     * {@link #invocationFinished} included, may come from other threads.
     */
    default void invocationDetached(Object invocation) {
    }

    /**
     * A failure of Bulwark's own code ended the invocation early; its body goes on unprotected and no other
     * callback follows. Whatever {@link #invocationStarted} opened must be closed now.
     */
    default void invocationAbandoned(Object invocation) {
    }

    /** Attempt {@code attempt} (2 for the first retry) is about to run. */
    default void retryAttempt(Object invocation, String retryName, int attempt) {
    }

    default void retryFinished(String retryName, RetryOutcome outcome) {
    }

    default void rejected(Object invocation, String policyName, Rejection rejection) {
    }

    default void bulkhead(String bulkheadName, boolean permitted) {
    }

    default void rateLimiter(String limiterName, boolean permitted) {
    }

    default void timeout(Object invocation, String site, boolean timedOut) {
    }

    default void fallback(Object invocation, String site) {
    }

    /** A chaos experiment injected a delay ({@code fault} false) or a fault into an attempt of the invocation. */
    default void chaosInjected(Object invocation, String site, boolean fault) {
    }

    /**
     * The invocation ends, after {@code durationNanos} (negative when it was not timed: see {@link #NOT_RECORDING}).
     * {@code failure} is the type of the exception its caller receives, or null;
     * {@code thrown} is that exception when it already exists (Bulwark's own rejections are created by the
     * woven code afterwards, so for them it is null).
     */
    default void invocationFinished(Object invocation, String site, long durationNanos,
                                    Class<? extends Throwable> failure, Throwable thrown) {
    }
}
