package dev.bulwark;

import java.time.Duration;

/** Thrown when the rate limiter grants no permit within its maximum wait. */
public class RateLimitedException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public RateLimitedException(String policyName) {
        this(policyName, Duration.ZERO);
    }

    /** @param retryAfter the time until the limiter would grant a permit; zero when not known */
    public RateLimitedException(String policyName, Duration retryAfter) {
        super(policyName, "rate limiter '" + policyName + "' granted no permit");
        this.retryAfter = retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    }

    /** The time until the limiter would grant a permit, when it refused this call; zero when not known. */
    public Duration retryAfter() {
        // Null only in an instance serialized before the field existed.
        return retryAfter == null ? Duration.ZERO : retryAfter;
    }
}
