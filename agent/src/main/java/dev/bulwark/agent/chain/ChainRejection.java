package dev.bulwark.agent.chain;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.TimeoutExceededException;
import dev.bulwark.agent.bootstrap.BulwarkBridge;

import java.time.Duration;
import java.util.function.BiFunction;

/**
 * The one table from a policy's refusal to what everyone else sees of it: the kind bits the woven code turns
 * into an exception, the exception type the outer policies judge, the telemetry label, and the exception an
 * asynchronous invocation completes its stage with.
 */
enum ChainRejection {
    CIRCUIT_OPEN(BulwarkBridge.CIRCUIT_OPEN, CircuitOpenException.class, CallObserver.Rejection.CIRCUIT_BREAKER,
            CircuitOpenException::new),
    BULKHEAD_FULL(BulwarkBridge.BULKHEAD_FULL, BulkheadFullException.class, CallObserver.Rejection.BULKHEAD,
            (policy, retryAfter) -> new BulkheadFullException(policy)),
    RATE_LIMITED(BulwarkBridge.RATE_LIMITED, RateLimitedException.class, CallObserver.Rejection.RATE_LIMITER,
            RateLimitedException::new),
    TIMED_OUT(BulwarkBridge.TIMED_OUT, TimeoutExceededException.class, CallObserver.Rejection.TIMEOUT,
            (policy, retryAfter) -> new TimeoutExceededException(policy));

    private static final ChainRejection[] BY_KIND = new ChainRejection[(BulwarkBridge.REJECTION_MASK >> 2) + 1];

    static {
        for (ChainRejection rejection : values()) {
            BY_KIND[rejection.kind >> 2] = rejection;
        }
    }

    /** The bridge's kind bits. */
    final int kind;
    final Class<? extends Throwable> type;
    final CallObserver.Rejection observed;
    private final BiFunction<String, Duration, RuntimeException> create;

    ChainRejection(int kind, Class<? extends Throwable> type, CallObserver.Rejection observed,
                   BiFunction<String, Duration, RuntimeException> create) {
        this.kind = kind;
        this.type = type;
        this.observed = observed;
        this.create = create;
    }

    /** The rejection named by a verdict's kind bits; null for 0 (no rejection). */
    static ChainRejection of(int kind) {
        return BY_KIND[(kind & BulwarkBridge.REJECTION_MASK) >> 2];
    }

    /** The exception type of the rejection named by kind bits, or null for 0. */
    static Class<? extends Throwable> typeOf(int kind) {
        ChainRejection rejection = of(kind);
        return rejection == null ? null : rejection.type;
    }

    /** @param retryAfterNanos for a rate limiter's or breaker's refusal, the wait it knows of; else ignored */
    RuntimeException exception(String policy, long retryAfterNanos) {
        return create.apply(policy, Duration.ofNanos(retryAfterNanos));
    }
}
