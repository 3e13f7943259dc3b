package dev.bulwark.agent.config;

import dev.bulwark.agent.policy.ExceptionMatcher;
import dev.bulwark.agent.policy.adaptive.LimitAlgorithmName;
import dev.bulwark.agent.policy.retry.DelayFrom;
import dev.bulwark.agent.policy.bulkhead.BulkheadSpec;
import dev.bulwark.agent.policy.bulkhead.LimitBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.fallback.FallbackSpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.agent.policy.timeout.TimeoutSpec;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.BulkheadType;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateAlgorithm;
import dev.bulwark.annotations.Scope;
import dev.bulwark.annotations.WindowType;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns one merged policy block into its immutable spec, validating every value. */
final class SpecReader {
    static final Pattern RATE_KEY = Pattern.compile("|#\\d+(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)?");
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final Set<String> ADAPTIVE_TIMEOUT_KEYS =
            set("enabled", "percentile", "multiplier", "min", "min-calls", "window");
    private static final String TIMEOUT_EXCEPTION = "dev.bulwark.TimeoutExceededException";

    private SpecReader() {
    }

    static Set<String> keysOf(PolicyKind kind) {
        switch (kind) {
            case CIRCUIT_BREAKER:
                return set("name", "failure-rate-threshold", "slow-call-rate-threshold", "slow-call-duration", "window-type",
                        "window-size", "minimum-calls", "consecutive-failures", "wait-in-open", "half-open-calls", "record-on",
                        "ignore-on", "record-on-result", "key", "max-keys");
            case RETRY:
                return set("name", "max-attempts", "delay", "backoff", "multiplier", "max-delay", "jitter", "max-duration",
                        "retry-on", "abort-on", "delay-from", "budget", "retry-on-result");
            case BULKHEAD:
                return set("name", "max-concurrent", "max-wait", "type", "queue-capacity",
                        "limit-algorithm", "initial-limit", "min-limit", "max-limit", "partition-by", "partitions",
                        "key", "max-keys");
            case RATE_LIMITER:
                return set("name", "permits", "period", "algorithm", "max-wait", "key", "max-keys", "scope");
            case TIMEOUT:
                return set("value", "interrupt", "adaptive");
            case FALLBACK:
                return set("method", "apply-on", "skip-on", "apply-on-result");
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    private static Set<String> set(String... keys) {
        return new HashSet<>(Arrays.asList(keys));
    }

    /** Reads the block; problems are added to {@code reader}, and each bad value keeps its built-in default. */
    static Object read(PolicyKind kind, String name, BlockReader r) {
        r.rejectUnknownKeys(keysOf(kind));
        switch (kind) {
            case CIRCUIT_BREAKER:
                return circuitBreaker(name, r);
            case RETRY:
                return retry(name, r);
            case BULKHEAD:
                return bulkhead(name, r);
            case RATE_LIMITER:
                return rateLimiter(name, r);
            case TIMEOUT:
                return timeout(r);
            case FALLBACK:
                return fallback(r);
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    private static CircuitBreakerSpec circuitBreaker(String name, BlockReader r) {
        CircuitBreakerSpec d = CircuitBreakerSpec.builder().build();
        return CircuitBreakerSpec.builder()
                .name(name)
                .failureRateThreshold(r.integer("failure-rate-threshold", 1, 100, d.failureRateThreshold()))
                .slowCallRateThreshold(r.integer("slow-call-rate-threshold", 1, 100, d.slowCallRateThreshold()))
                .slowCallDurationNanos(r.durationNanos("slow-call-duration", 1, d.slowCallDurationNanos()))
                .windowType(r.enumeration("window-type", WindowType.class, d.windowType()))
                .windowSize(r.integer("window-size", 1, 1_000_000, d.windowSize()))
                .minimumCalls(r.integer("minimum-calls", 1, Integer.MAX_VALUE, d.minimumCalls()))
                .consecutiveFailures(r.integer("consecutive-failures", 0, Integer.MAX_VALUE, d.consecutiveFailures()))
                .waitInOpenNanos(r.durationNanos("wait-in-open", NANOS_PER_MILLI, d.waitInOpenNanos()))
                .halfOpenCalls(r.integer("half-open-calls", 1, 10_000, d.halfOpenCalls()))
                .recordOn(withTimeouts(matcher(r, "record-on", d.recordOn())))
                .ignoreOn(matcher(r, "ignore-on", d.ignoreOn()))
                .key(policyKey(r, d.key()))
                .maxKeys(r.integer("max-keys", 1, 100_000_000, d.maxKeys()))
                // Checked when a method is woven, against the method it judges.
                .recordOnResult(r.string("record-on-result", d.recordOnResult()).trim())
                .build();
    }

    private static RetrySpec retry(String name, BlockReader r) {
        RetrySpec d = RetrySpec.builder().build();
        return RetrySpec.builder()
                .name(name)
                .maxAttempts(r.integer("max-attempts", 1, 10_000, d.maxAttempts()))
                .delayNanos(r.durationNanos("delay", 0, d.delayNanos()))
                .backoff(r.enumeration("backoff", Backoff.class, d.backoff()))
                .multiplier(r.decimal("multiplier", 1.0, d.multiplier()))
                .maxDelayNanos(r.durationNanos("max-delay", 0, d.maxDelayNanos()))
                .jitter(r.enumeration("jitter", Jitter.class, d.jitter()))
                .maxDurationNanos(r.durationNanos("max-duration", 0, d.maxDurationNanos()))
                .retryOn(matcher(r, "retry-on", d.retryOn()))
                .abortOn(matcher(r, "abort-on", d.abortOn()))
                .delayFrom(delayFrom(r, d.delayFrom()))
                .budget(r.string("budget", d.budget()).trim())
                .retryOnResult(r.string("retry-on-result", d.retryOnResult()).trim())
                .build();
    }

    private static BulkheadSpec bulkhead(String name, BlockReader r) {
        BulkheadSpec d = BulkheadSpec.builder().build();
        int[] bounds = limitBounds(r, d);
        int minLimit = bounds[0];
        int maxLimit = bounds[1];
        BulkheadType type = r.enumeration("type", BulkheadType.class, d.type());
        String partitionBy = partitionBy(r, d.partitionBy());
        return BulkheadSpec.builder()
                .name(name)
                .maxConcurrent(r.integer("max-concurrent", 1, 100_000, d.maxConcurrent()))
                .maxWaitNanos(r.durationNanos("max-wait", 0, d.maxWaitNanos()))
                .type(type)
                .queueCapacity(r.integer("queue-capacity", 1, 10_000_000, d.queueCapacity()))
                .key(bulkheadKey(r, d.key(), type, partitionBy))
                .maxKeys(r.integer("max-keys", 1, 100_000_000, d.maxKeys()))
                .limitAlgorithm(r.enumeration("limit-algorithm", LimitAlgorithmName.class, d.limitAlgorithm()))
                .initialLimit(r.integer("initial-limit", 1, 100_000, d.initialLimit()))
                .minLimit(minLimit)
                .maxLimit(maxLimit)
                .partitionBy(partitionBy)
                .partitions(partitions(r, d.partitions()))
                .build();
    }

    /**
     * Only a fixed SEMAPHORE bulkhead has keys: a thread pool per key would multiply threads, and an adaptive or
     * partitioned bulkhead shares one learned limit among its callers, which a bulkhead per key would split.
     */
    private static String bulkheadKey(BlockReader r, String fallback, BulkheadType type, String partitionBy) {
        String key = policyKey(r, fallback);
        if (!key.isEmpty() && (type != BulkheadType.SEMAPHORE || !partitionBy.isEmpty())) {
            r.problem("key", "\"\" (only a SEMAPHORE bulkhead without partition-by has keys; this one is "
                    + (type != BulkheadType.SEMAPHORE ? type : "partitioned") + ")", "\"" + key + "\"");
            return fallback;
        }
        return key;
    }

    /** The adaptive limit's bounds, both kept at their defaults unless {@code min-limit <= max-limit}. */
    private static int[] limitBounds(BlockReader r, BulkheadSpec d) {
        int min = r.integer("min-limit", 1, 100_000, d.minLimit());
        int max = r.integer("max-limit", 1, 100_000, d.maxLimit());
        if (min > max) {
            r.problem("max-limit", "a limit at least min-limit (" + min + ")", String.valueOf(max));
            return new int[]{d.minLimit(), d.maxLimit()};
        }
        return new int[]{min, max};
    }

    private static Map<String, Double> partitions(BlockReader r, Map<String, Double> fallback) {
        Map<String, Double> shares = r.shares("partitions", fallback);
        double sum = shares.values().stream().mapToDouble(Double::doubleValue).sum();
        if (shares.size() > LimitBulkhead.MAX_PARTITIONS || !shares.isEmpty() && !(sum > 0)) {
            r.problem("partitions", "at most " + LimitBulkhead.MAX_PARTITIONS + " partitions whose shares add up to"
                    + " more than 0", shares.toString());
            return fallback;
        }
        return shares;
    }

    private static String partitionBy(BlockReader r, String fallback) {
        String text = r.string("partition-by", fallback).trim();
        if (!RATE_KEY.matcher(text).matches()) {
            r.problem("partition-by", "\"\", \"#N\" or \"#N.getter\" (N = argument index from 0)", "\"" + text + "\"");
            return fallback;
        }
        return text;
    }

    private static RateLimiterSpec rateLimiter(String name, BlockReader r) {
        RateLimiterSpec d = RateLimiterSpec.builder().build();
        String key = policyKey(r, d.key());
        return RateLimiterSpec.builder()
                .name(name)
                .permits(r.integer("permits", 1, Integer.MAX_VALUE, d.permits()))
                .periodNanos(r.durationNanos("period", NANOS_PER_MILLI, d.periodNanos()))
                .algorithm(r.enumeration("algorithm", RateAlgorithm.class, d.algorithm()))
                .maxWaitNanos(r.durationNanos("max-wait", 0, d.maxWaitNanos()))
                .key(key)
                .maxKeys(r.integer("max-keys", 1, 100_000_000, d.maxKeys()))
                .scope(r.enumeration("scope", Scope.class, d.scope()))
                .build();
    }

    /** The key of a rate limiter, breaker or bulkhead: which argument value selects its instance. */
    private static String policyKey(BlockReader r, String fallback) {
        String key = r.string("key", fallback);
        if (!RATE_KEY.matcher(key).matches()) {
            r.problem("key", "\"\", \"#N\" or \"#N.getter\" (N = argument index from 0)", "\"" + key + "\"");
            return fallback;
        }
        return key;
    }

    private static TimeoutSpec timeout(BlockReader r) {
        TimeoutSpec d = TimeoutSpec.builder().build();
        TimeoutSpec.Builder timeout = TimeoutSpec.builder()
                .timeoutNanos(r.durationNanos("value", 1, d.timeoutNanos()))
                .interrupt(r.bool("interrupt", d.interrupt()));
        BlockReader adaptive = r.nested("adaptive");
        adaptive.rejectUnknownKeys(ADAPTIVE_TIMEOUT_KEYS);
        return timeout
                .adaptive(adaptive.bool("enabled", d.adaptive()))
                .adaptivePercentile(percentile(adaptive, "percentile", d.adaptivePercentile()))
                .adaptiveMultiplier(adaptive.decimal("multiplier", 1.0, d.adaptiveMultiplier()))
                .adaptiveMinNanos(adaptive.durationNanos("min", 1, d.adaptiveMinNanos()))
                .adaptiveMinCalls(adaptive.integer("min-calls", 1, 100_000_000, d.adaptiveMinCalls()))
                .adaptiveWindowNanos(adaptive.durationNanos("window", 2 * NANOS_PER_MILLI, d.adaptiveWindowNanos()))
                .build();
    }

    private static double percentile(BlockReader r, String key, double fallback) {
        double value = r.decimal(key, 0.0, fallback);
        if (value <= 0.0 || value > 100.0) {
            r.problem(key, "a percentile above 0 and at most 100", String.valueOf(value));
            return fallback;
        }
        return value;
    }

    private static FallbackSpec fallback(BlockReader r) {
        FallbackSpec d = FallbackSpec.builder().build();
        String method = r.has("method") ? r.string("method", "") : "";
        if (method.isEmpty() || !Character.isJavaIdentifierStart(method.charAt(0))) {
            r.problem("method", "the name of a method of the same class", r.has("method") ? "\"" + method + "\"" : "nothing");
        }
        return FallbackSpec.builder()
                .method(method)
                .applyOn(matcher(r, "apply-on", d.applyOn()))
                .skipOn(matcher(r, "skip-on", d.skipOn()))
                .applyOnResult(r.bool("apply-on-result", d.applyOnResult()))
                .build();
    }

    private static String delayFrom(BlockReader r, String fallback) {
        String text = r.string("delay-from", fallback).trim();
        if (!DelayFrom.isValid(text)) {
            r.problem("delay-from", "\"\" or \"#exception.getter\" (a no-argument method of the exception, or a"
                    + " chain of them: \"#exception.response.retryAfter\")", "\"" + text + "\"");
            return fallback;
        }
        return text;
    }

    /** A timeout inside the breaker always counts as a failure, whatever else record-on names. */
    private static ExceptionMatcher withTimeouts(ExceptionMatcher recordOn) {
        List<String> names = new java.util.ArrayList<>(recordOn.typeNames());
        if (!names.contains(TIMEOUT_EXCEPTION)) {
            names.add(TIMEOUT_EXCEPTION);
        }
        return ExceptionMatcher.of(names);
    }

    private static ExceptionMatcher matcher(BlockReader r, String key, ExceptionMatcher fallback) {
        List<String> names = r.classNames(key, fallback.typeNames());
        return ExceptionMatcher.of(names);
    }
}
