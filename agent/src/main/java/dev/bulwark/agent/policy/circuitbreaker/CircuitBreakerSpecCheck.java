package dev.bulwark.agent.policy.circuitbreaker;

import dev.bulwark.agent.policy.ExceptionMatcher;

/** Rejects specs the state machine cannot honour; config and annotation readers should catch these earlier. */
final class CircuitBreakerSpecCheck {
    private CircuitBreakerSpecCheck() {
    }

    static void validate(CircuitBreakerSpec spec) {
        require(spec.name() != null, "name", "must not be null");
        requireRange(spec.failureRateThreshold(), 1, 100, "failureRateThreshold");
        requireRange(spec.slowCallRateThreshold(), 1, 100, "slowCallRateThreshold");
        require(spec.slowCallDurationNanos() > 0, "slowCallDuration", "must be positive");
        require(spec.windowType() != null, "windowType", "must not be null");
        requireRange(spec.windowSize(), 1, CircuitBreaker.MAX_WINDOW_SIZE, "windowSize");
        require(spec.minimumCalls() >= 0, "minimumCalls", "must not be negative");
        require(spec.consecutiveFailures() >= 0, "consecutiveFailures", "must not be negative");
        require(spec.waitInOpenNanos() >= 0, "waitInOpen", "must not be negative");
        requireRange(spec.halfOpenCalls(), 1, CircuitBreaker.MAX_WINDOW_SIZE, "halfOpenCalls");
        requireMatcher(spec.recordOn(), "recordOn");
        requireMatcher(spec.ignoreOn(), "ignoreOn");
    }

    private static void requireRange(int value, int min, int max, String key) {
        require(value >= min && value <= max, key, "must be in " + min + ".." + max + ", was " + value);
    }

    private static void requireMatcher(ExceptionMatcher matcher, String key) {
        require(matcher != null, key, "must not be null");
    }

    private static void require(boolean valid, String key, String problem) {
        if (!valid) {
            throw new IllegalArgumentException("circuit breaker " + key + " " + problem);
        }
    }
}
