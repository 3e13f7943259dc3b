package dev.bulwark.agent.policy.ratelimit;

/** Builds the limiter a {@link RateLimiterSpec} names. */
public final class RateLimiters {
    private RateLimiters() {
    }

    /** One limiter for the whole spec; the spec's key is ignored (see {@link KeyedRateLimiter}). */
    public static RateLimiter create(RateLimiterSpec spec) {
        return createRetirable(spec);
    }

    static Retirable createRetirable(RateLimiterSpec spec) {
        validate(spec);
        switch (spec.algorithm()) {
            case FIXED_WINDOW:
                return new FixedWindowLimiter(spec.permits(), spec.periodNanos());
            case SLIDING_WINDOW:
                return new SlidingWindowLimiter(spec.permits(), spec.periodNanos());
            case TOKEN_BUCKET:
                return new TokenBucketLimiter(spec.permits(), spec.periodNanos());
            default:
                throw new IllegalArgumentException("unknown rate algorithm " + spec.algorithm());
        }
    }

    static void validate(RateLimiterSpec spec) {
        if (spec.permits() < 1 || spec.periodNanos() < 1 || spec.algorithm() == null) {
            throw new IllegalArgumentException("rate limiter '" + spec.name() + "': needs positive permits and"
                    + " period and an algorithm, was " + spec.permits() + ", " + spec.periodNanos() + "ns, "
                    + spec.algorithm());
        }
    }
}
