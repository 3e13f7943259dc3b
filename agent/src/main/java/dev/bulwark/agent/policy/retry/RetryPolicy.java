package dev.bulwark.agent.policy.retry;

import dev.bulwark.BulwarkException;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.agent.policy.ExceptionMatcher;
import java.util.function.DoubleSupplier;

/**
 * The decisions of one retry loop: whether a failure is retried, and how long to wait before the next
 * attempt. Stateless and immutable, so one instance serves every thread; the loop's own state (attempts
 * made, the previous delay, when it started) lives with the caller.
 */
public final class RetryPolicy {
    private final RetrySpec spec;
    private final BackoffSchedule schedule;
    private final boolean retriesOpenCircuit;
    /** Null without {@code delayFrom}. */
    private final DelayFrom delayFrom;

    /** @throws IllegalArgumentException when the spec's {@code delayFrom} is not {@code "#exception.getter…"} */
    public RetryPolicy(RetrySpec spec) {
        this.spec = spec;
        this.delayFrom = DelayFrom.parse(spec.delayFrom());
        this.schedule = new BackoffSchedule(spec);
        this.retriesOpenCircuit = namesOpenCircuit(spec.retryOn()) && !spec.abortOn().matches(CircuitOpenException.class);
    }

    public RetrySpec spec() {
        return spec;
    }

    /** A failure is retried when {@code retryOn} matches it and {@code abortOn} does not. */
    public boolean shouldRetry(Class<? extends Throwable> failure) {
        return spec.retryOn().matches(failure) && !spec.abortOn().matches(failure);
    }

    /**
     * Whether an open breaker of the method's own is worth waiting out. Only when {@code retryOn} names the
     * breaker's exception or its base type: the default {@code Exception} would otherwise make every retry
     * loop hammer an open breaker, which exists precisely to stop those calls.
     */
    public boolean shouldRetryOpenCircuit() {
        return retriesOpenCircuit;
    }

    /**
     * The delay before attempt {@code failedAttempt + 1}: the backoff for {@code failedAttempt}, capped at
     * {@code maxDelay}, then jittered. {@code previousDelayNanos} is the delay waited before the failed
     * attempt (only DECORRELATED uses it; ignored for the first retry); {@code random} yields uniform doubles
     * in [0, 1).
     */
    public long delayNanos(int failedAttempt, long previousDelayNanos, DoubleSupplier random) {
        return schedule.delayNanos(failedAttempt, previousDelayNanos, random);
    }

    /**
     * The delay {@code failure} asks for through {@code delayFrom}, capped at {@code maxDelay}, in place of the
     * backoff's {@code backoffNanos}; the backoff's when it asks for none.
     */
    public long delayFor(Throwable failure, long backoffNanos) {
        if (delayFrom == null || failure == null) {
            return backoffNanos;
        }
        long asked = delayFrom.delayNanos(failure);
        return asked > 0 ? Math.min(asked, spec.maxDelayNanos()) : backoffNanos;
    }

    /**
     * Whether the next attempt, started after waiting {@code delayNanos}, would begin before
     * {@code maxDuration} (counted from {@code loopStartNanos}) runs out and before
     * {@code enclosingDeadlineNanos} ({@link Long#MAX_VALUE} for none). When it would not, the loop ends
     * with the last failure instead of sleeping past either limit.
     */
    public boolean nextAttemptFits(long delayNanos, long nowNanos, long loopStartNanos, long enclosingDeadlineNanos) {
        long limit = enclosingDeadlineNanos;
        if (spec.maxDurationNanos() > 0) {
            limit = Math.min(limit, saturatedAdd(loopStartNanos, spec.maxDurationNanos()));
        }
        return limit == Long.MAX_VALUE || limit - nowNanos > delayNanos;
    }

    private static boolean namesOpenCircuit(ExceptionMatcher retryOn) {
        return retryOn.typeNames().contains(CircuitOpenException.class.getName())
                || retryOn.typeNames().contains(BulwarkException.class.getName());
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
