package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.policy.RedisErrors;
import dev.bulwark.agent.policy.budget.RetryBudget;
import dev.bulwark.agent.policy.bulkhead.LimitBulkhead;
import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.policy.ratelimit.RateScope;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;
import dev.bulwark.agent.telemetry.metrics.Counters;
import dev.bulwark.agent.telemetry.metrics.DurationBuckets;
import dev.bulwark.agent.telemetry.metrics.Series;
import dev.bulwark.agent.telemetry.metrics.Durations;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Bulwark's metric instruments (docs/telemetry.md), created once per OpenTelemetry instance. A decision only
 * increments Bulwark's own counts, in cells its thread writes alone; the SDK reads them through asynchronous
 * instruments, one callback per instrument, when it collects. Durations are counted into a bucket histogram of Bulwark's own and handed
 * to the SDK's histogram at collection (see {@link #drainDurations}).
 */
final class OtelMetrics {
    static final AttributeKey<String> NAME = AttributeKey.stringKey("bulwark.name");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("bulwark.outcome");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("bulwark.state");
    static final AttributeKey<String> FROM = AttributeKey.stringKey("bulwark.from");
    static final AttributeKey<String> TO = AttributeKey.stringKey("bulwark.to");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("bulwark.partition");
    /** Only on the series of a policy or site scoped to a class loader that does not live as long as the JVM. */
    static final AttributeKey<String> LOADER = AttributeKey.stringKey("bulwark.loader");
    /** Where a rate limiter's decision was made: {@code local}, {@code cluster} or {@code fallback}. */
    static final AttributeKey<String> SCOPE = AttributeKey.stringKey("bulwark.scope");
    /** What a chaos experiment injected: {@code latency} or {@code fault}. */
    static final AttributeKey<String> KIND = AttributeKey.stringKey("bulwark.kind");

    /**
     * The most durations one site hands to the SDK per collection: each is one call of the SDK's histogram, so
     * this bounds the time a collection spends per site.
     */
    static final long MAX_DURATIONS_PER_COLLECTION = 1_000_000;

    private static final CircuitState[] STATES = CircuitState.values();
    private static final String[] BREAKER_OUTCOMES = lowerCase(CallOutcome.values());
    private static final String[] RETRY_OUTCOMES = retryValues();
    private static final String[] ADMISSIONS = {"permitted", "rejected"};
    private static final String[] RATE_SCOPES = lowerCase(RateScope.values());
    private static final String[] TIMEOUTS = {"completed", "timed_out"};
    private static final String[] DURATION_OUTCOMES = {"success", "failure"};
    /** By {@link BulwarkMetrics#LATENCY} and {@link BulwarkMetrics#FAULT}. */
    private static final String[] CHAOS_KINDS = {"latency", "fault"};

    private final Durations durations;
    private final DoubleHistogram callDuration;
    private final long maxDurationsPerCollection;
    /**
     * Each site's attribute sets, kept here, with the SDK that holds this object, rather than with the series: a
     * series may outlive the application whose API defined {@link Attributes}, and must not keep its loader.
     * Guarded by this.
     */
    private final Map<Series, Attributes[]> durationAttributes = new WeakHashMap<>();

    final NamedAttributes states = new NamedAttributes(OtelMetrics::states);
    final NamedAttributes names = new NamedAttributes(OtelMetrics::named);

    /** Registers the instruments, which read {@code counts} from now on. */
    static void register(Meter meter, BulwarkMetrics counts, PolicyRegistry registry) {
        new OtelMetrics(meter, counts, registry, MAX_DURATIONS_PER_COLLECTION);
    }

    /** @param maxDurationsPerCollection see {@link #MAX_DURATIONS_PER_COLLECTION} */
    OtelMetrics(Meter meter, BulwarkMetrics counts, PolicyRegistry registry, long maxDurationsPerCollection) {
        this.maxDurationsPerCollection = maxDurationsPerCollection;
        this.durations = counts.durations;
        observe(meter, "bulwark.circuit_breaker.calls", "{call}", "Calls seen by a circuit breaker, by outcome",
                counts.breakerCalls, name -> outcomes(name, BREAKER_OUTCOMES));
        observe(meter, "bulwark.circuit_breaker.transitions", "{transition}", "State transitions of a circuit breaker",
                counts.breakerTransitions, OtelMetrics::transitions);
        observe(meter, "bulwark.retry.calls", "{call}", "Calls through a retry, by how the retry loop ended",
                counts.retryCalls, name -> outcomes(name, RETRY_OUTCOMES));
        observe(meter, "bulwark.retry.attempts", "{attempt}", "Re-invocations made by a retry",
                counts.retryAttempts, OtelMetrics::named);
        observe(meter, "bulwark.bulkhead.calls", "{call}", "Calls admitted or rejected by a bulkhead",
                counts.bulkheadCalls, name -> bulkheadOutcomes(name, registry));
        observe(meter, "bulwark.rate_limiter.calls", "{call}", "Calls admitted or rejected by a rate limiter",
                counts.limiterCalls, OtelMetrics::limiterDecisions);
        observe(meter, "bulwark.timeout.calls", "{call}", "Attempts under a timeout, by whether they ran past it",
                counts.timeoutCalls, name -> outcomes(name, TIMEOUTS));
        observe(meter, "bulwark.fallback.calls", "{call}", "Calls answered by a fallback method",
                counts.fallbackCalls, OtelMetrics::named);
        observe(meter, "bulwark.chaos.injected", "{injection}", "Delays and faults injected by chaos experiments",
                counts.chaosInjections, OtelMetrics::chaosKinds);
        callDuration = meter.histogramBuilder("bulwark.call.duration").setUnit("s")
                .setDescription("Duration of protected invocations, retries and fallback included")
                .setExplicitBucketBoundariesAdvice(DurationBuckets.SECONDS).build();
        // Its callback hands the durations over first: the SDK runs every callback before it reads any instrument.
        meter.counterBuilder("bulwark.telemetry.dropped").setUnit("{measurement}")
                .setDescription("Durations not handed to bulwark.call.duration because a collection had too many")
                .buildWithCallback(this::drainDurations);
        meter.counterBuilder("bulwark.redis.errors").setUnit("{error}")
                .setDescription("Redis calls of cluster-scoped policies that failed or ran past bulwark.redis.timeout")
                .buildWithCallback(measurement -> {
                    if (RedisErrors.inUse()) {
                        measurement.record(RedisErrors.count());
                    }
                });
        if (registry != null) {
            meter.gaugeBuilder("bulwark.circuit_breaker.state").ofLongs()
                    .setDescription("1 for the current state of a circuit breaker, 0 for the others")
                    .buildWithCallback(measurement -> recordStates(registry, measurement));
            meter.gaugeBuilder("bulwark.bulkhead.active").ofLongs().setUnit("{call}")
                    .setDescription("Calls running inside a bulkhead now")
                    .buildWithCallback(measurement -> recordActive(registry, measurement));
            meter.gaugeBuilder("bulwark.bulkhead.limit").ofLongs().setUnit("{call}")
                    .setDescription("How many calls a bulkhead lets run at once now: max-concurrent, or an adaptive limit")
                    .buildWithCallback(measurement -> recordLimits(registry, measurement));
            meter.gaugeBuilder("bulwark.retry_budget.balance").setUnit("{token}")
                    .setDescription("Tokens in a retry budget: ratio times first attempts minus retries, within its window")
                    .buildWithCallback(measurement -> recordBalances(registry, measurement));
            meter.gaugeBuilder("bulwark.timeout.current").setUnit("s")
                    .setDescription("The timeout an adaptive timeout gives its next attempt")
                    .buildWithCallback(measurement -> registry.forEachAdaptiveTimeout((name, deadline) ->
                            measurement.record(deadline.currentNanos() / 1e9, names.of(name)[0])));
        }
    }

    private static void observe(Meter meter, String instrument, String unit, String description, Counters counters,
                                Function<PolicyName, Attributes[]> attributes) {
        Map<Series, Attributes[]> built = new WeakHashMap<>();
        meter.counterBuilder(instrument).setUnit(unit).setDescription(description)
                .buildWithCallback(measurement -> report(counters, built, attributes, measurement));
    }

    /** Called by one collection at a time: {@code built} is read and written under the lock of the counters. */
    private static void report(Counters counters, Map<Series, Attributes[]> built,
                               Function<PolicyName, Attributes[]> attributes, ObservableLongMeasurement measurement) {
        counters.collect(series -> {
            Attributes[] byIndex = built.computeIfAbsent(series, s -> attributes.apply(s.policyName()));
            for (int i = 0; i < series.width(); i++) {
                long value = series.count(i);
                if (value > 0) {
                    measurement.record(value, byIndex[i]);
                }
            }
        });
    }


    /**
     * Hands every duration recorded since the last collection to the SDK's histogram, as records of each
     * bucket's mean, so the exported bucket counts, count and sum are those of the calls; what a site has beyond
     * {@link #MAX_DURATIONS_PER_COLLECTION} is counted in {@code bulwark.telemetry.dropped} instead. Records made
     * here carry the collection's time, not the calls'.
     */
    private synchronized void drainDurations(ObservableLongMeasurement dropped) {
        durations.collect(series -> {
            Attributes[] byOutcome = durationAttributes.computeIfAbsent(series,
                    s -> outcomes(s.policyName(), DURATION_OUTCOMES));
            series.drain(maxDurationsPerCollection, (outcome, seconds, times) -> {
                for (long i = 0; i < times; i++) {
                    callDuration.record(seconds, byOutcome[outcome]);
                }
            });
            long given = series.dropped();
            if (given > 0) {
                dropped.record(given, base(series.name(), series.scope()).build());
            }
        });
    }

    private void recordStates(PolicyRegistry registry, ObservableLongMeasurement measurement) {
        registry.forEachCircuitBreaker((name, breaker) -> {
            CircuitState current = breaker.state();
            // A keyed breaker's name ("name[value]") may be evicted and never come back: not kept, so that a flood
            // of keys leaves nothing behind here; its attribute sets are built at each collection instead.
            Attributes[] byState = name.name().endsWith("]") ? states(name) : states.of(name);
            for (CircuitState state : STATES) {
                measurement.record(state == current ? 1 : 0, byState[state.ordinal()]);
            }
        });
    }

    private void recordActive(PolicyRegistry registry, ObservableLongMeasurement measurement) {
        registry.forEachBulkhead((name, active) -> measurement.record(active, names.of(name)[0]));
    }

    private void recordLimits(PolicyRegistry registry, ObservableLongMeasurement measurement) {
        registry.forEachBulkheadLimit((name, limit) -> measurement.record(limit, names.of(name)[0]));
    }

    /**
     * Outcomes by partition, at series index {@code 2 × partition + outcome}; a bulkhead without partitions
     * uses the first pair only, without {@code bulwark.partition}.
     */
    private static Attributes[] bulkheadOutcomes(PolicyName name, PolicyRegistry registry) {
        LimitBulkhead bulkhead = registry == null ? null : registry.limitBulkhead(name.name());
        String[] partitions = bulkhead == null ? new String[]{""} : bulkhead.partitionNames();
        Attributes[] attributes = new Attributes[2 * LimitBulkhead.MAX_PARTITIONS];
        for (int i = 0; i < attributes.length; i++) {
            AttributesBuilder builder = base(name.name(), name.scope()).put(OUTCOME, ADMISSIONS[i % 2]);
            String partition = i / 2 < partitions.length ? partitions[i / 2] : "";
            attributes[i] = partition.isEmpty() ? builder.build() : builder.put(PARTITION, partition).build();
        }
        return attributes;
    }

    private void recordBalances(PolicyRegistry registry, ObservableDoubleMeasurement measurement) {
        for (String name : registry.retryBudgetNames()) {
            RetryBudget budget = registry.retryBudget(name);
            if (budget != null) {
                // Budgets are JVM-wide: no scope, as for any policy shared by the whole JVM.
                measurement.record(budget.balance(), names.of(new PolicyName(name, null))[0]);
            }
        }
    }

    static String stateValue(CircuitState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code bulwark.name}, and {@code bulwark.loader} for a policy of a class loader's own: two deployments'
     * policies of one name are then two series, while a plain application's attributes stay those of
     * docs/telemetry.md's table.
     */
    private static AttributesBuilder base(String name, String scope) {
        AttributesBuilder builder = Attributes.builder().put(NAME, name);
        return scope == null ? builder : builder.put(LOADER, scope);
    }

    static String chaosKind(boolean fault) {
        return CHAOS_KINDS[fault ? BulwarkMetrics.FAULT : BulwarkMetrics.LATENCY];
    }

    private static Attributes[] chaosKinds(PolicyName name) {
        Attributes[] attributes = new Attributes[CHAOS_KINDS.length];
        for (int i = 0; i < CHAOS_KINDS.length; i++) {
            attributes[i] = base(name.name(), name.scope()).put(KIND, CHAOS_KINDS[i]).build();
        }
        return attributes;
    }

    private static Attributes[] named(PolicyName name) {
        return new Attributes[]{base(name.name(), name.scope()).build()};
    }

    private static Attributes[] outcomes(PolicyName name, String... values) {
        Attributes[] attributes = new Attributes[values.length];
        for (int i = 0; i < values.length; i++) {
            attributes[i] = base(name.name(), name.scope()).put(OUTCOME, values[i]).build();
        }
        return attributes;
    }

    /** Each outcome in each {@link RateScope}, at the index {@link BulwarkMetrics#limiterIndex} counts it. */
    private static Attributes[] limiterDecisions(PolicyName name) {
        Attributes[] attributes = new Attributes[ADMISSIONS.length * RATE_SCOPES.length];
        for (RateScope scope : RateScope.values()) {
            for (int outcome = 0; outcome < ADMISSIONS.length; outcome++) {
                attributes[BulwarkMetrics.limiterIndex(outcome == BulwarkMetrics.PERMITTED, scope)] =
                        base(name.name(), name.scope()).put(OUTCOME, ADMISSIONS[outcome])
                                .put(SCOPE, RATE_SCOPES[scope.ordinal()]).build();
            }
        }
        return attributes;
    }

    private static String[] lowerCase(Enum<?>[] values) {
        String[] lower = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            lower[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return lower;
    }

    private static String[] retryValues() {
        RetryOutcome[] outcomes = RetryOutcome.values();
        String[] values = new String[outcomes.length];
        for (int i = 0; i < outcomes.length; i++) {
            values[i] = outcomes[i].attributeValue();
        }
        return values;
    }

    private static Attributes[] states(PolicyName name) {
        Attributes[] attributes = new Attributes[STATES.length];
        for (CircuitState state : STATES) {
            attributes[state.ordinal()] = base(name.name(), name.scope()).put(STATE, stateValue(state)).build();
        }
        return attributes;
    }

    private static Attributes[] transitions(PolicyName name) {
        Attributes[] attributes = new Attributes[STATES.length * STATES.length];
        for (CircuitState from : STATES) {
            for (CircuitState to : STATES) {
                attributes[from.ordinal() * STATES.length + to.ordinal()] = base(name.name(), name.scope())
                        .put(FROM, stateValue(from)).put(TO, stateValue(to)).build();
            }
        }
        return attributes;
    }
}
