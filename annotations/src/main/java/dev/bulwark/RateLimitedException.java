package dev.bulwark;

/** Thrown when the rate limiter grants no permit within its maximum wait. */
public class RateLimitedException extends BulwarkException {
    private static final long serialVersionUID = 1L;

    public RateLimitedException(String policyName) {
        super(policyName, "rate limiter '" + policyName + "' granted no permit");
    }
}
