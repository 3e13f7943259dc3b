package dev.bulwark.agent.policy.budget;

import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.annotations.Scope;

import java.util.Objects;

/**
 * Settings of one named retry budget ({@code bulwark.retry-budgets.<name>}). Immutable; values are validated where
 * they are read.
 */
public final class RetryBudgetSpec {
    public static final double DEFAULT_RATIO = 0.1;
    public static final int DEFAULT_MIN_PER_SECOND = 10;
    public static final long DEFAULT_WINDOW_NANOS = 10_000_000_000L;
    /** A budget keeps counters for every second of its window, so the window is bounded to keep them small. */
    public static final long MAX_WINDOW_NANOS = 3_600_000_000_000L;

    private final String name;
    private final double ratio;
    private final int minPerSecond;
    private final long windowNanos;
    private final Scope scope;
    private final RedisSettings redis;

    /** A budget of this JVM alone. */
    public RetryBudgetSpec(String name, double ratio, int minPerSecond, long windowNanos) {
        this(name, ratio, minPerSecond, windowNanos, Scope.LOCAL, RedisSettings.DEFAULTS);
    }

    /**
     * @param ratio        tokens each first attempt deposits; a retry takes one
     * @param minPerSecond retries allowed in any second whatever the balance
     * @param windowNanos  how long a deposit (and a withdrawal) counts
     * @param scope        {@link Scope#CLUSTER} to share the budget through Redis with every JVM using its name
     * @param redis        where a cluster-scoped budget is kept
     */
    public RetryBudgetSpec(String name, double ratio, int minPerSecond, long windowNanos, Scope scope,
                           RedisSettings redis) {
        this.name = name;
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.windowNanos = windowNanos;
        this.scope = scope;
        this.redis = redis;
    }

    public Scope scope() {
        return scope;
    }

    public RedisSettings redis() {
        return redis;
    }

    public String name() {
        return name;
    }

    public double ratio() {
        return ratio;
    }

    public int minPerSecond() {
        return minPerSecond;
    }

    public long windowNanos() {
        return windowNanos;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RetryBudgetSpec)) {
            return false;
        }
        RetryBudgetSpec that = (RetryBudgetSpec) o;
        return name.equals(that.name) && Double.compare(ratio, that.ratio) == 0 && minPerSecond == that.minPerSecond
                && windowNanos == that.windowNanos && scope == that.scope && redis.equals(that.redis);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, ratio, minPerSecond, windowNanos, scope, redis);
    }

    @Override
    public String toString() {
        return "RetryBudgetSpec{name=" + name + ", ratio=" + ratio + ", minPerSecond=" + minPerSecond
                + ", windowNanos=" + windowNanos + ", scope=" + scope + (scope == Scope.CLUSTER ? ", redis=" + redis : "")
                + "}";
    }
}
