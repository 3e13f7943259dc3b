package dev.bulwark.agent.chain;

import dev.bulwark.agent.chaos.ChaosControl;
import dev.bulwark.agent.cluster.ClusterPolicies;
import dev.bulwark.agent.policy.KeyedPolicies;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.adaptive.AdaptiveDeadline;
import dev.bulwark.agent.policy.budget.RetryBudget;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.bulkhead.BulkheadSpec;
import dev.bulwark.agent.policy.bulkhead.LimitBulkhead;
import dev.bulwark.agent.policy.bulkhead.SemaphoreBulkhead;
import dev.bulwark.agent.policy.bulkhead.ThreadPoolBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerJmx;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.policy.ratelimit.KeyedLimiter;
import dev.bulwark.agent.policy.ratelimit.KeyedRateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiter;
import dev.bulwark.agent.policy.ratelimit.RateLimiterSpec;
import dev.bulwark.agent.policy.ratelimit.RateLimiters;
import dev.bulwark.agent.policy.timeout.DeadlineClock;
import dev.bulwark.agent.policy.timeout.TimeoutSpec;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;
import dev.bulwark.annotations.Scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;

/**
 * The stateful policies, one per name and {@link PolicyScope scope}: every method that names the same breaker,
 * bulkhead or limiter in one scope shares its state; a method's own (unnamed) policy is in its class loader's
 * scope, and goes with that scope when the loader is collected ({@link #dropScope}). The first spec registered under a name wins; a different spec under the same name is reported.
 * A config reload starts a new epoch: the first spec registered under a name in it keeps the existing
 * instance, and its state, when the settings are unchanged, and replaces it when they changed.
 */
public final class PolicyRegistry {
    /**
     * How long a keyed breaker or bulkhead must go unused, at least, before it may be evicted to make room for
     * new keys (see {@link KeyedPolicies}).
     */
    static final long KEY_SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final NanoClock breakerClock;
    private final DeadlineClock deadlineClock;
    private final CircuitBreakerListener breakerListener;
    private final Map<ScopedName, Shared<CircuitBreaker, CircuitBreakerSpec>> breakers = new ConcurrentHashMap<>();
    /** Breakers with a key: one per key value, each named {@code name[value]}. */
    private final Map<ScopedName, Shared<KeyedPolicies<CircuitBreaker>, CircuitBreakerSpec>> keyedBreakers =
            new ConcurrentHashMap<>();
    private final Map<ScopedName, Shared<SemaphoreBulkhead, BulkheadSpec>> bulkheads = new ConcurrentHashMap<>();
    /** Semaphore bulkheads with a key: one per key value. */
    private final Map<ScopedName, Shared<KeyedPolicies<SemaphoreBulkhead>, BulkheadSpec>> keyedBulkheads =
            new ConcurrentHashMap<>();
    /** Adaptive or partitioned bulkheads. */
    private final Map<ScopedName, Shared<LimitBulkhead, BulkheadSpec>> limitBulkheads = new ConcurrentHashMap<>();
    private final Map<ScopedName, Shared<Object, RateLimiterSpec>> limiters = new ConcurrentHashMap<>();
    private final Map<ScopedName, Shared<ThreadPoolBulkhead, BulkheadSpec>> threadPools = new ConcurrentHashMap<>();
    /** Budgets are always named, and defined once for the whole JVM: their scope is {@link PolicyScope#JVM}. */
    private final Map<ScopedName, Shared<RetryBudget, RetryBudgetSpec>> retryBudgets = new ConcurrentHashMap<>();
    /** Adaptive timeouts, one per site name: a timeout has no name of its own. */
    private final Map<ScopedName, Shared<AdaptiveDeadline, TimeoutSpec>> adaptiveTimeouts = new ConcurrentHashMap<>();
    /** Pools a reload replaced with new settings, until the chains that ran on them are gone. */
    private final List<ThreadPoolBulkhead> replacedPools = new ArrayList<>();
    /**
     * Registers breakers' MBeans, in order, off the calling thread: the first registration starts the platform
     * MBean server, which is slow enough to delay a woven method's first call noticeably (docs/benchmark-history.md).
     */
    private final Executor jmx;
    private final ChaosControl chaos = new ChaosControl();
    private volatile int epoch;

    /** Timeouts count from the exact clock; see {@link #PolicyRegistry(NanoClock, DeadlineClock, CircuitBreakerListener)}. */
    public PolicyRegistry(NanoClock breakerClock, CircuitBreakerListener breakerListener) {
        this(breakerClock, DeadlineClock.EXACT, breakerListener);
    }

    /**
     * @param breakerClock  the time every circuit breaker reads; see {@link CircuitBreaker#nanoTime()}
     * @param deadlineClock where every timeout counts its deadline from
     */
    public PolicyRegistry(NanoClock breakerClock, DeadlineClock deadlineClock, CircuitBreakerListener breakerListener) {
        // One thread at most, started by the first breaker's first call and gone when idle.
        this(breakerClock, deadlineClock, breakerListener, new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), AgentThreads.factory("bulwark-jmx")));
    }

    PolicyRegistry(NanoClock breakerClock, CircuitBreakerListener breakerListener, Executor jmx) {
        this(breakerClock, DeadlineClock.EXACT, breakerListener, jmx);
    }

    private PolicyRegistry(NanoClock breakerClock, DeadlineClock deadlineClock, CircuitBreakerListener breakerListener,
                           Executor jmx) {
        this.breakerClock = breakerClock;
        this.deadlineClock = deadlineClock;
        this.breakerListener = breakerListener;
        this.jmx = jmx;
    }

    DeadlineClock deadlineClock() {
        return deadlineClock;
    }

    /** Fault injection: its switch, its experiments in force, and what they injected. */
    public ChaosControl chaos() {
        return chaos;
    }

    CircuitBreaker circuitBreaker(CircuitBreakerSpec spec, PolicyScope scope) {
        return shared(breakers, new ScopedName(spec.name(), scope), spec, s -> new CircuitBreaker(s, breakerClock, breakerListener, scope.label()),
                "circuit breaker");
    }

    /**
     * One breaker per key value, created at the key's first call with its MBean, which leaves JMX when the breaker
     * is evicted. An evicted breaker is CLOSED and was unused for a sweep interval; a call that still held it
     * records its outcome in it, where no later call sees it.
     */
    KeyedPolicies<CircuitBreaker> keyedCircuitBreakers(CircuitBreakerSpec spec, PolicyScope scope) {
        ScopedName name = new ScopedName(spec.name(), scope);
        Shared<KeyedPolicies<CircuitBreaker>, CircuitBreakerSpec> before = keyedBreakers.get(name);
        KeyedPolicies<CircuitBreaker> keyed = shared(keyedBreakers, name, spec, s -> new KeyedPolicies<>(s.maxKeys(),
                KEY_SWEEP_INTERVAL_NANOS, breakerClock, key -> keyedBreaker(s, key, scope),
                breaker -> breaker.state() == CircuitState.CLOSED,
                (key, breaker) -> jmx.execute(() -> CircuitBreakerJmx.unregister(breaker, scope.label()))),
                "circuit breaker");
        // A reload that changed the settings starts new breakers: the old ones leave JMX (the new ones enter it
        // at their keys' first calls).
        if (before != null && before.policy != keyed) {
            before.policy.forEach((key, breaker) ->
                    jmx.execute(() -> CircuitBreakerJmx.unregister(breaker, scope.label())));
        }
        return keyed;
    }

    private CircuitBreaker keyedBreaker(CircuitBreakerSpec spec, Object key, PolicyScope scope) {
        CircuitBreaker breaker = new CircuitBreaker(spec.toBuilder().name(keyedName(spec.name(), key)).build(),
                breakerClock, breakerListener, scope.label());
        exposeOverJmx(breaker, scope);
        return breaker;
    }

    /** The name of a keyed policy's instance for one key value: {@code name[value]}. */
    static String keyedName(String name, Object key) {
        return name + "[" + key + "]";
    }

    /**
     * Has the breaker's MBean registered, shortly after. Called at its first call rather than when its class is
     * woven: touching the platform MBean server during start-up breaks servers that install their own MBean
     * server builder.
     */
    void exposeOverJmx(CircuitBreaker breaker, PolicyScope scope) {
        jmx.execute(() -> {
            try {
                CircuitBreakerJmx.register(breaker, scope.label());
            } catch (RuntimeException e) {
                BulwarkLog.errorOnce("jmx " + breaker.name(), "circuit breaker '" + breaker.name() + "' is not in JMX: " + e, e);
            }
        });
    }

    /**
     * The breaker of that name: the one shared JVM-wide when there is one, else one of a class loader's (several
     * deployments may each have their own; JMX tells them apart).
     */
    public CircuitBreaker circuitBreaker(String name) {
        CircuitBreaker breaker = byName(breakers, name);
        return breaker != null || !name.endsWith("]") ? breaker : keyedBreaker(name);
    }

    /** The keyed breaker named {@code name[value]}, or null; a look through the keyed breakers of that name. */
    private CircuitBreaker keyedBreaker(String name) {
        CircuitBreaker[] found = new CircuitBreaker[1];
        keyedBreakers.values().forEach(shared -> shared.policy.forEach((key, breaker) -> {
            if (found[0] == null && breaker.name().equals(name)) {
                found[0] = breaker;
            }
        }));
        return found[0];
    }

    /** The names of every breaker, a keyed one's instances by their {@code name[value]}. */
    public Set<String> circuitBreakerNames() {
        Set<String> names = names(breakers);
        keyedBreakers.values().forEach(shared -> shared.policy.forEach((key, breaker) -> names.add(breaker.name())));
        return names;
    }

    /** The names of every bulkhead, semaphore or thread pool. */
    public Set<String> bulkheadNames() {
        Set<String> names = names(bulkheads);
        names.addAll(names(limitBulkheads));
        names.addAll(names(threadPools));
        return names;
    }

    /** Visits every breaker, each with its name in its scope, so that two deployments' breakers of a name are two. */
    public void forEachCircuitBreaker(BiConsumer<PolicyName, CircuitBreaker> visitor) {
        breakers.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy));
        keyedBreakers.forEach((name, shared) -> shared.policy.forEach((key, breaker) ->
                visitor.accept(new PolicyName(breaker.name(), name.scope), breaker)));
    }

    /** Visits every bulkhead, semaphore or thread pool, with its name in its scope and the calls running inside it now. */
    public void forEachBulkhead(ObjIntConsumer<PolicyName> visitor) {
        bulkheads.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy.active()));
        limitBulkheads.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy.active()));
        threadPools.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy.active()));
    }

    /**
     * Visits every bulkhead with its current limit: {@code maxConcurrent} for a fixed one, where the limit stands
     * for an adaptive one.
     */
    public void forEachBulkheadLimit(ObjIntConsumer<PolicyName> visitor) {
        bulkheads.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy.maxConcurrent()));
        limitBulkheads.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy.limit()));
        threadPools.forEach((key, shared) -> visitor.accept(key.policyName(), shared.spec.maxConcurrent()));
    }

    /** The adaptive or partitioned bulkhead of that name, or null. */
    public LimitBulkhead limitBulkhead(String name) {
        return byName(limitBulkheads, name);
    }

    /** Calls running inside the named bulkhead now, or -1 when there is no bulkhead of that name. */
    public int bulkheadActive(String name) {
        SemaphoreBulkhead semaphore = byName(bulkheads, name);
        if (semaphore != null) {
            return semaphore.active();
        }
        LimitBulkhead limited = byName(limitBulkheads, name);
        if (limited != null) {
            return limited.active();
        }
        ThreadPoolBulkhead pool = byName(threadPools, name);
        return pool == null ? -1 : pool.active();
    }

    SemaphoreBulkhead bulkhead(BulkheadSpec spec, PolicyScope scope) {
        return shared(bulkheads, new ScopedName(spec.name(), scope), spec, SemaphoreBulkhead::new, "bulkhead");
    }

    /** One semaphore bulkhead per key value; one with no call inside or waiting may be evicted. */
    KeyedPolicies<SemaphoreBulkhead> keyedBulkheads(BulkheadSpec spec, PolicyScope scope) {
        return shared(keyedBulkheads, new ScopedName(spec.name(), scope), spec, s -> new KeyedPolicies<>(s.maxKeys(),
                KEY_SWEEP_INTERVAL_NANOS, breakerClock, key -> new SemaphoreBulkhead(s), SemaphoreBulkhead::tryRetire,
                (key, bulkhead) -> { }), "bulkhead");
    }

    /** An adaptive bulkhead, or one split into partitions. */
    LimitBulkhead limitBulkhead(BulkheadSpec spec, PolicyScope scope) {
        return shared(limitBulkheads, new ScopedName(spec.name(), scope), spec, LimitBulkhead::new, "bulkhead");
    }

    /**
     * A bulkhead running asynchronous bodies on its own daemon threads, named after it. One that a reload
     * replaced is shut down by {@link #retireThreadPools}, once the new chains are in place.
     */
    ThreadPoolBulkhead threadPoolBulkhead(BulkheadSpec spec, PolicyScope scope) {
        ScopedName key = new ScopedName(spec.name(), scope);
        Shared<ThreadPoolBulkhead, BulkheadSpec> before = threadPools.get(key);
        ThreadPoolBulkhead pool = shared(threadPools, key, spec,
                s -> new ThreadPoolBulkhead(s, AgentThreads.factory("bulwark-bulkhead-" + s.name())), "bulkhead");
        if (before != null && before.policy != pool) {
            replacedPools.add(before.policy);
        }
        return pool;
    }

    /**
     * Shuts down every thread pool that no chain in {@code inUse} runs on any more: those a reload replaced,
     * dropped or renamed. Each still runs the bodies it accepted, then its threads end; a later chain naming
     * it again gets a new one. Called under the {@link CallSites} lock, after the chains were published.
     */
    void retireThreadPools(Set<ThreadPoolBulkhead> inUse) {
        threadPools.values().removeIf(shared -> {
            if (inUse.contains(shared.policy)) {
                return false;
            }
            shared.policy.shutdown();
            return true;
        });
        replacedPools.forEach(ThreadPoolBulkhead::shutdown);
        replacedPools.clear();
    }

    /**
     * A {@link RateLimiter}, or a {@link KeyedLimiter} when the spec has a key; for a cluster-scoped spec, one
     * that is also a {@link dev.bulwark.agent.policy.ratelimit.SharedLimiter}.
     */
    Object rateLimiter(RateLimiterSpec spec, PolicyScope scope) {
        return shared(limiters, new ScopedName(spec.name(), scope), spec, PolicyRegistry::newRateLimiter, "rate limiter");
    }

    /** Only here, on the first cluster-scoped spec, do the cluster package and the Redis client load. */
    private static Object newRateLimiter(RateLimiterSpec spec) {
        if (spec.scope() == Scope.CLUSTER) {
            return ClusterPolicies.rateLimiter(spec);
        }
        return spec.key().isEmpty() ? RateLimiters.create(spec) : new KeyedRateLimiter(spec);
    }

    /**
     * The deadline of the adaptive timeout of the site {@code siteName}; it keeps what it learned across a reload
     * that leaves the timeout's settings unchanged.
     */
    AdaptiveDeadline adaptiveTimeout(String siteName, TimeoutSpec spec, PolicyScope scope) {
        return shared(adaptiveTimeouts, new ScopedName(siteName, scope), spec,
                s -> new AdaptiveDeadline(s.timeoutNanos(), s.adaptiveMinNanos(), s.adaptivePercentile(),
                        s.adaptiveMultiplier(), s.adaptiveMinCalls(), s.adaptiveWindowNanos()), "adaptive timeout");
    }

    /** Visits every adaptive timeout, with its site's name in its scope. */
    public void forEachAdaptiveTimeout(BiConsumer<PolicyName, AdaptiveDeadline> visitor) {
        adaptiveTimeouts.forEach((key, shared) -> visitor.accept(key.policyName(), shared.policy));
    }

    /** Budgets count seconds on the breakers' clock, which is cheap to read and precise to the millisecond. */
    RetryBudget retryBudget(RetryBudgetSpec spec) {
        return shared(retryBudgets, new ScopedName(spec.name(), PolicyScope.JVM), spec,
                this::newRetryBudget, "retry budget");
    }

    /** As for rate limiters, the cluster package loads only here, with the first cluster-scoped budget. */
    private RetryBudget newRetryBudget(RetryBudgetSpec spec) {
        return spec.scope() == Scope.CLUSTER ? new RetryBudget(spec, breakerClock, ClusterPolicies.retryBudget(spec))
                : new RetryBudget(spec, breakerClock);
    }

    public Iterable<String> retryBudgetNames() {
        return names(retryBudgets);
    }

    /** The named budget, or null. */
    public RetryBudget retryBudget(String name) {
        Shared<RetryBudget, RetryBudgetSpec> shared = retryBudgets.get(new ScopedName(name, PolicyScope.JVM));
        return shared == null ? null : shared.policy;
    }

    /** Called by a config reload, under the {@link CallSites} lock, before it rebuilds the chains. */
    void beginReload() {
        epoch++;
    }

    /**
     * Forgets every policy of {@code scope}, whose class loader was collected: no call can reach them any more.
     * Their breakers leave JMX and their thread pools end. Called under the {@link CallSites} lock.
     */
    void dropScope(PolicyScope scope) {
        breakers.entrySet().removeIf(entry -> {
            if (entry.getKey().scope != scope) {
                return false;
            }
            CircuitBreaker breaker = entry.getValue().policy;
            jmx.execute(() -> CircuitBreakerJmx.unregister(breaker));
            return true;
        });
        keyedBreakers.entrySet().removeIf(entry -> {
            if (entry.getKey().scope != scope) {
                return false;
            }
            entry.getValue().policy.forEach((key, breaker) ->
                    jmx.execute(() -> CircuitBreakerJmx.unregister(breaker, scope.label())));
            return true;
        });
        bulkheads.keySet().removeIf(key -> key.scope == scope);
        keyedBulkheads.keySet().removeIf(key -> key.scope == scope);
        limitBulkheads.keySet().removeIf(key -> key.scope == scope);
        limiters.keySet().removeIf(key -> key.scope == scope);
        adaptiveTimeouts.keySet().removeIf(key -> key.scope == scope);
        threadPools.entrySet().removeIf(entry -> {
            if (entry.getKey().scope != scope) {
                return false;
            }
            entry.getValue().policy.shutdown();
            return true;
        });
    }

    private static <P> P byName(Map<ScopedName, ? extends Shared<P, ?>> byKey, String name) {
        Shared<P, ?> shared = byKey.get(new ScopedName(name, PolicyScope.JVM));
        if (shared != null) {
            return shared.policy;
        }
        for (Map.Entry<ScopedName, ? extends Shared<P, ?>> entry : byKey.entrySet()) {
            if (entry.getKey().name.equals(name)) {
                return entry.getValue().policy;
            }
        }
        return null;
    }

    private static Set<String> names(Map<ScopedName, ?> byKey) {
        Set<String> names = new TreeSet<>();
        byKey.keySet().forEach(key -> names.add(key.name));
        return names;
    }

    private <P, S> P shared(Map<ScopedName, Shared<P, S>> byName, ScopedName name, S spec, Function<S, P> create, String what) {
        int now = epoch;
        Shared<P, S> existing = byName.compute(name, (n, found) -> {
            if (found == null || found.epoch != now && !found.spec.equals(spec)) {
                return new Shared<>(create.apply(spec), spec, now);
            }
            return found.epoch == now ? found : new Shared<>(found.policy, found.spec, now);
        });
        if (!existing.spec.equals(spec)) {
            BulwarkLog.warn(what + " '" + name + "' is declared with different settings in several places; "
                    + "the first wins: " + existing.spec + " (ignored: " + spec + ")");
        }
        return existing.policy;
    }

    /** A policy's name in its scope. */
    private static final class ScopedName {
        final String name;
        final PolicyScope scope;

        ScopedName(String name, PolicyScope scope) {
            this.name = name;
            this.scope = scope;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ScopedName && ((ScopedName) o).name.equals(name) && ((ScopedName) o).scope == scope;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + System.identityHashCode(scope);
        }

        PolicyName policyName() {
            return new PolicyName(name, scope);
        }

        @Override
        public String toString() {
            return policyName().toString();
        }
    }

    private static final class Shared<P, S> {
        final P policy;
        final S spec;
        /** The reload epoch that last registered this name. */
        final int epoch;

        Shared(P policy, S spec, int epoch) {
            this.policy = policy;
            this.spec = spec;
            this.epoch = epoch;
        }
    }
}
