package dev.bulwark.agent.policy.retry;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import java.util.function.DoubleSupplier;

/**
 * The delay between retry attempts. Growth is computed in doubles and capped before it is turned back
 * into nanos, so no attempt number or multiplier can overflow into a negative or wrapped delay.
 */
final class BackoffSchedule {
    private final Backoff backoff;
    private final Jitter jitter;
    private final long delayNanos;
    private final double multiplier;
    private final long maxDelayNanos;

    BackoffSchedule(RetrySpec spec) {
        this.backoff = spec.backoff();
        this.jitter = spec.jitter();
        this.delayNanos = spec.delayNanos();
        this.multiplier = spec.multiplier();
        this.maxDelayNanos = spec.maxDelayNanos();
    }

    long delayNanos(int failedAttempt, long previousDelayNanos, DoubleSupplier random) {
        int n = Math.max(1, failedAttempt);
        switch (jitter) {
            case FULL:
                return (long) (random.getAsDouble() * cappedBackoff(n));
            case EQUAL:
                double half = cappedBackoff(n) / 2.0;
                return (long) (half + random.getAsDouble() * half);
            case DECORRELATED:
                return decorrelated(n == 1 ? delayNanos : previousDelayNanos, random.getAsDouble());
            default:
                return cappedBackoff(n);
        }
    }

    /** Backoff for attempt {@code n} >= 1, at most {@code maxDelay}. */
    long cappedBackoff(int n) {
        switch (backoff) {
            case LINEAR:
                return cap((double) delayNanos * n);
            case EXPONENTIAL:
                return cap(delayNanos * Math.pow(multiplier, n - 1));
            case FIBONACCI:
                return fibonacci(n);
            default:
                return cap(delayNanos);
        }
    }

    /**
     * AWS's "decorrelated jitter": each delay is drawn between the base delay and three times the previous
     * one, so delays grow on average without callers that failed together retrying together.
     */
    private long decorrelated(long previousDelayNanos, double uniform) {
        double upper = Math.max(3.0 * previousDelayNanos, delayNanos);
        return cap(delayNanos + uniform * (upper - delayNanos));
    }

    /** Stops adding as soon as the cap is reached, so a large {@code n} costs no more than a small one. */
    private long fibonacci(int n) {
        if (delayNanos <= 0) {
            return 0;
        }
        double previous = 0;
        double current = 1;
        for (int i = 1; i < n && current * delayNanos < maxDelayNanos; i++) {
            double next = previous + current;
            previous = current;
            current = next;
        }
        return cap(current * delayNanos);
    }

    /** NaN and infinity, from an extreme multiplier, land on the cap too. */
    private long cap(double nanos) {
        return nanos < maxDelayNanos ? (long) nanos : maxDelayNanos;
    }
}
