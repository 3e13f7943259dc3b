package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.bulkhead.BulkheadSpec;
import dev.bulwark.agent.policy.bulkhead.SemaphoreBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerJmx;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.ratelimit.KeyedRateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiters;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The stateful policies, one per name: every method that names the same breaker, bulkhead or limiter shares
 * its state. The first spec registered under a name wins; a different spec under the same name is reported.
 */
public final class PolicyRegistry {
    private final NanoClock clock;
    private final CircuitBreakerListener breakerListener;
    private final Map<String, Shared<CircuitBreaker, CircuitBreakerSpec>> breakers = new ConcurrentHashMap<>();
    private final Map<String, Shared<SemaphoreBulkhead, BulkheadSpec>> bulkheads = new ConcurrentHashMap<>();
    private final Map<String, Shared<Object, RateLimiterSpec>> limiters = new ConcurrentHashMap<>();

    public PolicyRegistry(NanoClock clock, CircuitBreakerListener breakerListener) {
        this.clock = clock;
        this.breakerListener = breakerListener;
    }

    CircuitBreaker circuitBreaker(CircuitBreakerSpec spec) {
        return shared(breakers, spec.name(), spec, s -> new CircuitBreaker(s, clock, breakerListener),
                "circuit breaker");
    }

    /**
     * Registers the breaker's MBean. Called at its first call rather than when its class is woven: touching
     * the platform MBean server during start-up breaks servers that install their own MBean server builder.
     */
    void exposeOverJmx(CircuitBreaker breaker) {
        try {
            CircuitBreakerJmx.register(breaker);
        } catch (RuntimeException e) {
            BulwarkLog.errorOnce("jmx " + breaker.name(), "circuit breaker '" + breaker.name() + "' is not in JMX: " + e, e);
        }
    }

    public CircuitBreaker circuitBreaker(String name) {
        Shared<CircuitBreaker, CircuitBreakerSpec> shared = breakers.get(name);
        return shared == null ? null : shared.policy;
    }

    public Iterable<String> circuitBreakerNames() {
        return breakers.keySet();
    }

    SemaphoreBulkhead bulkhead(BulkheadSpec spec) {
        return shared(bulkheads, spec.name(), spec, SemaphoreBulkhead::new, "bulkhead");
    }

    /** A {@link RateLimiter}, or a {@link KeyedRateLimiter} when the spec has a key. */
    Object rateLimiter(RateLimiterSpec spec) {
        return shared(limiters, spec.name(), spec,
                s -> s.key().isEmpty() ? RateLimiters.create(s) : new KeyedRateLimiter(s), "rate limiter");
    }

    private static <P, S> P shared(Map<String, Shared<P, S>> byName, String name, S spec, Function<S, P> create, String what) {
        Shared<P, S> existing = byName.computeIfAbsent(name, n -> new Shared<>(create.apply(spec), spec));
        if (!existing.spec.equals(spec)) {
            BulwarkLog.warn(what + " '" + name + "' is declared with different settings in several places; "
                    + "the first wins: " + existing.spec + " (ignored: " + spec + ")");
        }
        return existing.policy;
    }

    private static final class Shared<P, S> {
        final P policy;
        final S spec;

        Shared(P policy, S spec) {
            this.policy = policy;
            this.spec = spec;
        }
    }
}
