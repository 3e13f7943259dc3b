package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.annotations.RateAlgorithm;
import dev.bulwark.annotations.Scope;
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
    private final Scope scope;
    private final RedisSettings redis;

    private RateLimiterSpec(Builder b) {
        this.name = b.name;
        this.permits = b.permits;
        this.periodNanos = b.periodNanos;
        this.algorithm = b.algorithm;
        this.maxWaitNanos = b.maxWaitNanos;
        this.key = b.key;
        this.maxKeys = b.maxKeys;
        this.scope = b.scope;
        this.redis = b.redis;
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
        b.scope = scope;
        b.redis = redis;
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

    /** Whether the permits are this JVM's or shared through Redis. */
    public Scope scope() {
        return scope;
    }

    /** Where a cluster-scoped limiter keeps its state; those of {@code bulwark.redis}. */
    public RedisSettings redis() {
        return redis;
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
                && maxKeys == that.maxKeys
                && scope == that.scope
                && Objects.equals(redis, that.redis);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, permits, periodNanos, algorithm, maxWaitNanos, key, maxKeys, scope, redis);
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
                + ", scope=" + scope
                + (scope == Scope.CLUSTER ? ", redis=" + redis : "")
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
        private Scope scope = Scope.LOCAL;
        private RedisSettings redis = RedisSettings.DEFAULTS;

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

        public Builder scope(Scope scope) {
            this.scope = scope;
            return this;
        }

        public Builder redis(RedisSettings redis) {
            this.redis = redis;
            return this;
        }

        public RateLimiterSpec build() {
            return new RateLimiterSpec(this);
        }
    }
}
