package dev.bulwark.agent.cluster;

import dev.bulwark.agent.policy.RedisSettings;
import dev.bulwark.agent.policy.ratelimit.KeyedLimiter;
import dev.bulwark.agent.policy.ratelimit.KeyedRateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiters;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.policy.ratelimit.SharedLimiter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A rate limiter kept in Redis, shared by every JVM that uses its name (and key) there: each decision is one
 * script call, atomic in Redis and timed by Redis's clock, so the JVMs' clocks do not matter. The algorithms are
 * those of the local limiters with the same bounds, counted in microseconds, rounded so that they only grant
 * less. Keys expire once their state is the same as none.
 *
 * <p>In batch mode a limiter without a key takes its permits from {@link LeasedPermits leases}; a caller allowed to
 * wait for a permit Redis has not free now, or one the leases left out, still makes its own script call. Keyed
 * limiters stay exact: a lease per key would hold permits for keys that may never come again.
 *
 * <p>While Redis cannot answer, {@code on-failure} decides: {@code local} asks a limiter of the same settings in
 * this JVM (each JVM then grants up to the whole limit), {@code allow} grants, {@code reject} refuses.
 */
final class RedisRateLimiter implements KeyedLimiter, SharedLimiter {
    private static final long NANOS_PER_MICRO = 1_000L;
    /** Batch mode's largest lease, whatever the limit: a sliding log keeps one entry per permit. */
    static final int LARGEST_LEASE = 1_000;
    /** Batch mode's largest lease as a share of the limit's permits. */
    static final int LEASE_SHARE = 20;

    private final RateLimiterSpec spec;
    private final RedisStore store;
    private final RedisScript script;
    private final String keyBase;
    private final byte[] unkeyed;
    private final byte[] first;
    private final byte[] second;
    private final byte[] specMaxWait;
    /** Batch mode's leases; null in exact mode and for keyed limiters. */
    private final LeasedPermits leases;
    private final Object localLock = new Object();
    /** Created on the first fallback: a sliding window's log costs memory in proportion to its permits. */
    private volatile Object local;

    RedisRateLimiter(RateLimiterSpec spec, RedisStore store, Scripts scripts) {
        this.spec = spec;
        this.store = store;
        long periodMicros = Math.max(1, spec.periodNanos() / NANOS_PER_MICRO);
        String tag;
        RedisScript leaseScript;
        switch (spec.algorithm()) {
            case FIXED_WINDOW:
                tag = "fw";
                script = scripts.fixedWindow;
                leaseScript = scripts.leaseFixedWindow;
                first = bytes(periodMicros);
                second = bytes(spec.permits());
                break;
            case SLIDING_WINDOW:
                tag = "sw";
                script = scripts.slidingWindow;
                leaseScript = scripts.leaseSlidingWindow;
                first = bytes(periodMicros);
                second = bytes(spec.permits());
                break;
            default:
                tag = "tb";
                script = scripts.tokenBucket;
                leaseScript = scripts.leaseTokenBucket;
                // Rounded up, as the local bucket's emission interval: rounding makes the limit stricter, never looser.
                long interval = Math.max(1, (spec.periodNanos() + spec.permits() * NANOS_PER_MICRO - 1)
                        / (spec.permits() * NANOS_PER_MICRO));
                first = bytes(interval);
                second = bytes(interval * (spec.permits() - 1));
                break;
        }
        this.keyBase = store.settings().keyPrefix() + "rl:" + tag + ":" + spec.name();
        this.unkeyed = keyBase.getBytes(StandardCharsets.UTF_8);
        this.specMaxWait = bytes(spec.maxWaitNanos() / NANOS_PER_MICRO);
        this.leases = store.settings().mode() == RedisSettings.Mode.BATCH && spec.key().isEmpty()
                ? new LeasedPermits((wanted, start) -> lease(leaseScript, wanted, start), store.background(),
                        System::nanoTime, maxLease(spec.permits()), store.settings().timeoutNanos())
                : null;
    }

    /** The most permits one lease holds: a twentieth of the limit, at least one, at most {@link #LARGEST_LEASE}. */
    static int maxLease(long permits) {
        return (int) Math.max(1, Math.min(LARGEST_LEASE, (permits + LEASE_SHARE - 1) / LEASE_SHARE));
    }

    private LeasedPermits.Answer lease(RedisScript leaseScript, int wanted, long startNanos) {
        List<Long> answer = store.evalIntegersSince(startNanos, leaseScript, unkeyed, first, second, bytes(wanted));
        return answer == null ? null
                : new LeasedPermits.Answer(answer.get(0).intValue(), answer.get(1), answer.get(2));
    }

    @Override
    public long reserve(Object key, long nowNanos, long maxWaitNanos) {
        byte[] redisKey = (keyBase + ":" + key).getBytes(StandardCharsets.UTF_8);
        long answer = store.eval(script, redisKey, first, second, maxWait(maxWaitNanos));
        return answer == RedisStore.FAILED ? fallback(key, nowNanos, maxWaitNanos) : toNanos(answer);
    }

    /** The limiter without a key. */
    long reserve(long nowNanos, long maxWaitNanos) {
        if (leases == null) {
            long answer = store.eval(script, unkeyed, first, second, maxWait(maxWaitNanos));
            return answer == RedisStore.FAILED ? fallback(null, nowNanos, maxWaitNanos) : toNanos(answer);
        }
        if (leases.tryTake(nowNanos)) {
            return 0L;
        }
        long start = System.nanoTime();
        long leased = leases.awaitPermit(nowNanos, start);
        if (leased == 0L) {
            return 0L;
        }
        if (leased == LeasedPermits.FAILED) {
            return fallback(null, nowNanos, maxWaitNanos);
        }
        if (leased != LeasedPermits.ASK_REDIS && -leased > maxWaitNanos) {
            return RateLimiter.rejectedFor(-leased);
        }
        long answer = store.evalSince(start, script, unkeyed, first, second, maxWait(maxWaitNanos));
        return answer == RedisStore.FAILED ? fallback(null, nowNanos, maxWaitNanos) : toNanos(answer);
    }

    @Override
    public RateScope decidedBy() {
        return store.answering() ? RateScope.CLUSTER : RateScope.FALLBACK;
    }

    private byte[] maxWait(long maxWaitNanos) {
        return maxWaitNanos == spec.maxWaitNanos() ? specMaxWait : bytes(maxWaitNanos / NANOS_PER_MICRO);
    }

    private static long toNanos(long answerMicros) {
        return answerMicros >= 0 ? answerMicros * NANOS_PER_MICRO
                : RateLimiter.rejectedFor(-answerMicros * NANOS_PER_MICRO);
    }

    private long fallback(Object key, long nowNanos, long maxWaitNanos) {
        switch (store.settings().onFailure()) {
            case ALLOW:
                return 0L;
            case REJECT:
                return RateLimiter.REJECTED;
            default:
                Object limiter = localLimiter();
                return spec.key().isEmpty() ? ((RateLimiter) limiter).reserve(nowNanos, maxWaitNanos)
                        : ((KeyedRateLimiter) limiter).reserve(key, nowNanos, maxWaitNanos);
        }
    }

    private Object localLimiter() {
        Object limiter = local;
        if (limiter == null) {
            synchronized (localLock) {
                limiter = local;
                if (limiter == null) {
                    limiter = spec.key().isEmpty() ? RateLimiters.create(spec) : new KeyedRateLimiter(spec);
                    local = limiter;
                }
            }
        }
        return limiter;
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** The same limiter for a spec without a key: what a call site without a key holds. */
    static final class Unkeyed implements RateLimiter, SharedLimiter {
        private final RedisRateLimiter limiter;

        Unkeyed(RedisRateLimiter limiter) {
            this.limiter = limiter;
        }

        @Override
        public long reserve(long nowNanos, long maxWaitNanos) {
            return limiter.reserve(nowNanos, maxWaitNanos);
        }

        @Override
        public RateScope decidedBy() {
            return limiter.decidedBy();
        }
    }
}
