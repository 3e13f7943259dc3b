package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.annotations.RateAlgorithm;
import java.util.Objects;

/** Settings of one rate limiter. Immutable; values are validated where they are read (annotations or config). */
public final class RateLimiterSpec {
    private final String name;
    private final int permits;
    private final long periodNanos;
    private final RateAlgorithm algorithm;
    private final long maxWaitNanos;
    private final String key;
    private final int maxKeys;

    private RateLimiterSpec(Builder b) {
        this.name = b.name;
        this.permits = b.permits;
        this.periodNanos = b.periodNanos;
        this.algorithm = b.algorithm;
        this.maxWaitNanos = b.maxWaitNanos;
        this.key = b.key;
        this.maxKeys = b.maxKeys;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.permits = permits;
        b.periodNanos = periodNanos;
        b.algorithm = algorithm;
        b.maxWaitNanos = maxWaitNanos;
        b.key = key;
        b.maxKeys = maxKeys;
        return b;
    }

    public String name() {
        return name;
    }

    /** Permits per period; also the token bucket's burst. */
    public int permits() {
        return permits;
    }

    public long periodNanos() {
        return periodNanos;
    }

    public RateAlgorithm algorithm() {
        return algorithm;
    }

    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    /** "" for one limiter, "#N" or "#N.getter" for one per key value. */
    public String key() {
        return key;
    }

    /** Keyed limiters retained at most. */
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RateLimiterSpec)) {
            return false;
        }
        RateLimiterSpec that = (RateLimiterSpec) o;
        return Objects.equals(name, that.name)
                && permits == that.permits
                && periodNanos == that.periodNanos
                && Objects.equals(algorithm, that.algorithm)
                && maxWaitNanos == that.maxWaitNanos
                && Objects.equals(key, that.key)
                && maxKeys == that.maxKeys;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, permits, periodNanos, algorithm, maxWaitNanos, key, maxKeys);
    }

    @Override
    public String toString() {
        return "RateLimiterSpec{"
                + "name=" + name
                + ", permits=" + permits
                + ", periodNanos=" + periodNanos
                + ", algorithm=" + algorithm
                + ", maxWaitNanos=" + maxWaitNanos
                + ", key=" + key
                + ", maxKeys=" + maxKeys
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private String name = "";
        private int permits = 100;
        private long periodNanos = 1_000_000_000L;
        private RateAlgorithm algorithm = RateAlgorithm.TOKEN_BUCKET;
        private long maxWaitNanos = 0L;
        private String key = "";
        private int maxKeys = 10_000;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder permits(int permits) {
            this.permits = permits;
            return this;
        }

        public Builder periodNanos(long periodNanos) {
            this.periodNanos = periodNanos;
            return this;
        }

        public Builder algorithm(RateAlgorithm algorithm) {
            this.algorithm = algorithm;
            return this;
        }

        public Builder maxWaitNanos(long maxWaitNanos) {
            this.maxWaitNanos = maxWaitNanos;
            return this;
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder maxKeys(int maxKeys) {
            this.maxKeys = maxKeys;
            return this;
        }

        public RateLimiterSpec build() {
            return new RateLimiterSpec(this);
        }
    }
}
