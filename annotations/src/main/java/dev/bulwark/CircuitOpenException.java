package dev.bulwark;

import java.time.Duration;

/** Thrown when the circuit breaker is open, or half-open with all its trial calls taken. */
public class CircuitOpenException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public CircuitOpenException(String policyName) {
        this(policyName, Duration.ZERO);
    }

    /** @param retryAfter the time until the breaker lets a trial call through; zero when not known */
    public CircuitOpenException(String policyName, Duration retryAfter) {
        super(policyName, "circuit breaker '" + policyName + "' is open");
        this.retryAfter = retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    }

    /** The time until the breaker lets a trial call through, when it refused this call; zero when not known. */
    public Duration retryAfter() {
        // Null only in an instance serialized before the field existed.
        return retryAfter == null ? Duration.ZERO : retryAfter;
    }
}
