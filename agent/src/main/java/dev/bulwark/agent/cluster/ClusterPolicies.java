package dev.bulwark.agent.cluster;

import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.budget.SharedBudget;
import dev.bulwark.agent.policy.ratelimit.KeyedRateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiters;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where cluster-scoped policies are made. The first call loads this package and the Redis client; an application
 * without a cluster-scoped policy never makes one, so it loads neither. Policies with the same Redis settings
 * share one connection pool.
 */
public final class ClusterPolicies {
    private static final Map<RedisSettings, RedisStore> STORES = new ConcurrentHashMap<>();
    private static volatile Scripts scripts;

    private ClusterPolicies() {
    }

    /**
     * A rate limiter shared through Redis: a {@code RateLimiter} for a spec without a key, a {@code KeyedLimiter}
     * with one, either also a {@code SharedLimiter}. Should the client fail to start, the limiter is this JVM's
     * own, and the cause is logged.
     */
    public static Object rateLimiter(RateLimiterSpec spec) {
        try {
            Scripts scripts = scripts();
            RedisRateLimiter limiter = new RedisRateLimiter(spec, store(spec.redis(), scripts), scripts);
            return spec.key().isEmpty() ? new RedisRateLimiter.Unkeyed(limiter) : limiter;
        } catch (RuntimeException | LinkageError e) {
            BulwarkLog.error("cluster scope: rate limiter '" + spec.name() + "' could not use Redis at "
                    + spec.redis().redactedUri() + " and limits this JVM alone: " + e, e);
            return spec.key().isEmpty() ? RateLimiters.create(spec) : new KeyedRateLimiter(spec);
        }
    }

    /**
     * The shared side of a cluster-scoped retry budget, or null (the budget then counts this JVM alone) should the
     * client fail to start, which is logged.
     */
    public static SharedBudget retryBudget(RetryBudgetSpec spec) {
        try {
            Scripts scripts = scripts();
            return new RedisRetryBudget(spec, store(spec.redis(), scripts), scripts);
        } catch (RuntimeException | LinkageError e) {
            BulwarkLog.error("cluster scope: retry budget '" + spec.name() + "' could not use Redis at "
                    + spec.redis().redactedUri() + " and counts this JVM alone: " + e, e);
            return null;
        }
    }

    private static RedisStore store(RedisSettings settings, Scripts scripts) {
        return STORES.computeIfAbsent(settings,
                s -> new RedisStore(s, scripts.all(s.mode() == RedisSettings.Mode.BATCH)));
    }

    private static Scripts scripts() {
        Scripts loaded = scripts;
        if (loaded == null) {
            synchronized (ClusterPolicies.class) {
                loaded = scripts;
                if (loaded == null) {
                    loaded = new Scripts();
                    scripts = loaded;
                }
            }
        }
        return loaded;
    }
}
