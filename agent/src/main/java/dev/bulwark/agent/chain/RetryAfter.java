package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.ExceptionMatcher;
import dev.bulwark.agent.policy.GetterChain;

import java.time.Duration;
import java.util.List;

/**
 * The {@code retryAfter()} of a {@code RateLimitedException} or {@code CircuitOpenException} that reached a retry
 * from inside its attempt: from a protected method it called, or from the asynchronous driver's own rejection.
 * Matched by name and read through a method handle, since the application may see its own copy of these types.
 */
final class RetryAfter {
    private static final ExceptionMatcher CARRIERS = ExceptionMatcher.of(
            "dev.bulwark.RateLimitedException", "dev.bulwark.CircuitOpenException");
    private static final GetterChain GETTER = new GetterChain("retryAfter", List.of("retryAfter"));

    private RetryAfter() {
    }

    /** Nanoseconds the exception asks a retry to wait at least; 0 for any other exception, or null. */
    static long nanosOf(Throwable failure) {
        if (failure == null || !CARRIERS.matches(failure.getClass())) {
            return 0L;
        }
        Object retryAfter = GETTER.apply(failure);
        if (!(retryAfter instanceof Duration) || ((Duration) retryAfter).isNegative()) {
            return 0L;
        }
        Duration duration = (Duration) retryAfter;
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }
}
