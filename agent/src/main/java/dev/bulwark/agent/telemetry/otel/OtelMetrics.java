package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.telemetry.metrics.CounterSeries;
import dev.bulwark.agent.telemetry.metrics.Counters;
import dev.bulwark.agent.telemetry.metrics.DurationBuckets;
import dev.bulwark.agent.telemetry.metrics.DurationSeries;
import dev.bulwark.agent.telemetry.metrics.Durations;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Bulwark's metric instruments (docs/telemetry.md), created once per OpenTelemetry instance. A decision only
 * increments Bulwark's own striped counts; the SDK reads them through asynchronous instruments, one callback
 * per instrument, when it collects. Durations are counted into a bucket histogram of Bulwark's own and handed
 * to the SDK's histogram at collection (see {@link #drainDurations}).
 */
final class OtelMetrics {
    static final AttributeKey<String> NAME = AttributeKey.stringKey("bulwark.name");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("bulwark.outcome");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("bulwark.state");
    static final AttributeKey<String> FROM = AttributeKey.stringKey("bulwark.from");
    static final AttributeKey<String> TO = AttributeKey.stringKey("bulwark.to");

    /** Index into the permitted / rejected pair. */
    static final int PERMITTED = 0;
    static final int REJECTED = 1;

    /** How long a name that records nothing is still reported (docs/telemetry.md). */
    static final long RETENTION_NANOS = TimeUnit.MINUTES.toNanos(10);
    /**
     * The most durations one site hands to the SDK per collection: each is one call of the SDK's histogram, so
     * this bounds the time a collection spends per site.
     */
    static final long MAX_DURATIONS_PER_COLLECTION = 1_000_000;

    private static final CircuitState[] STATES = CircuitState.values();
    private static final String[] BREAKER_OUTCOMES = lowerCase(CallOutcome.values());
    private static final String[] RETRY_OUTCOMES = retryValues();
    private static final String[] ADMISSIONS = {"permitted", "rejected"};
    private static final String[] TIMEOUTS = {"completed", "timed_out"};
    private static final String[] DURATION_OUTCOMES = {"success", "failure"};

    private final Counters breakerCalls;
    private final Counters breakerTransitions;
    private final Counters retryCalls;
    private final Counters retryAttempts;
    private final Counters bulkheadCalls;
    private final Counters limiterCalls;
    private final Counters timeoutCalls;
    private final Counters fallbackCalls;
    private final Durations durations;
    private final Counters droppedDurations;
    private final DoubleHistogram callDuration;
    private final long maxDurationsPerCollection;

    final NamedAttributes states = new NamedAttributes(OtelMetrics::states);
    final NamedAttributes names = new NamedAttributes(name -> new Attributes[]{Attributes.of(NAME, name)});

    OtelMetrics(Meter meter, PolicyRegistry registry) {
        this(meter, registry, NanoClock.SYSTEM, MAX_DURATIONS_PER_COLLECTION);
    }

    /**
     * @param clock                      tells how long a name has recorded nothing
     * @param maxDurationsPerCollection  see {@link #MAX_DURATIONS_PER_COLLECTION}
     */
    OtelMetrics(Meter meter, PolicyRegistry registry, NanoClock clock, long maxDurationsPerCollection) {
        this.maxDurationsPerCollection = maxDurationsPerCollection;
        breakerCalls = new Counters(BREAKER_OUTCOMES.length, clock, RETENTION_NANOS);
        breakerTransitions = new Counters(STATES.length * STATES.length, clock, RETENTION_NANOS);
        retryCalls = new Counters(RETRY_OUTCOMES.length, clock, RETENTION_NANOS);
        retryAttempts = new Counters(1, clock, RETENTION_NANOS);
        bulkheadCalls = new Counters(ADMISSIONS.length, clock, RETENTION_NANOS);
        limiterCalls = new Counters(ADMISSIONS.length, clock, RETENTION_NANOS);
        timeoutCalls = new Counters(TIMEOUTS.length, clock, RETENTION_NANOS);
        fallbackCalls = new Counters(1, clock, RETENTION_NANOS);
        durations = new Durations(clock, RETENTION_NANOS);
        droppedDurations = new Counters(1, clock, RETENTION_NANOS);

        observe(meter, "bulwark.circuit_breaker.calls", "{call}", "Calls seen by a circuit breaker, by outcome",
                breakerCalls, name -> outcomes(name, BREAKER_OUTCOMES));
        observe(meter, "bulwark.circuit_breaker.transitions", "{transition}", "State transitions of a circuit breaker",
                breakerTransitions, OtelMetrics::transitions);
        observe(meter, "bulwark.retry.calls", "{call}", "Calls through a retry, by how the retry loop ended",
                retryCalls, name -> outcomes(name, RETRY_OUTCOMES));
        observe(meter, "bulwark.retry.attempts", "{attempt}", "Re-invocations made by a retry",
                retryAttempts, OtelMetrics::named);
        observe(meter, "bulwark.bulkhead.calls", "{call}", "Calls admitted or rejected by a bulkhead",
                bulkheadCalls, name -> outcomes(name, ADMISSIONS));
        observe(meter, "bulwark.rate_limiter.calls", "{call}", "Calls admitted or rejected by a rate limiter",
                limiterCalls, name -> outcomes(name, ADMISSIONS));
        observe(meter, "bulwark.timeout.calls", "{call}", "Attempts under a timeout, by whether they ran past it",
                timeoutCalls, name -> outcomes(name, TIMEOUTS));
        observe(meter, "bulwark.fallback.calls", "{call}", "Calls answered by a fallback method",
                fallbackCalls, OtelMetrics::named);
        callDuration = meter.histogramBuilder("bulwark.call.duration").setUnit("s")
                .setDescription("Duration of protected invocations, retries and fallback included")
                .setExplicitBucketBoundariesAdvice(DurationBuckets.SECONDS).build();
        // Its callback hands the durations over first: the SDK runs every callback before it reads any instrument.
        meter.counterBuilder("bulwark.telemetry.dropped").setUnit("{measurement}")
                .setDescription("Durations not handed to bulwark.call.duration because a collection had too many")
                .buildWithCallback(measurement -> {
                    drainDurations();
                    report(droppedDurations, OtelMetrics::named, measurement);
                });
        if (registry != null) {
            meter.gaugeBuilder("bulwark.circuit_breaker.state").ofLongs()
                    .setDescription("1 for the current state of a circuit breaker, 0 for the others")
                    .buildWithCallback(measurement -> recordStates(registry, measurement));
            meter.gaugeBuilder("bulwark.bulkhead.active").ofLongs().setUnit("{call}")
                    .setDescription("Calls running inside a bulkhead now")
                    .buildWithCallback(measurement -> recordActive(registry, measurement));
        }
    }

    private static void observe(Meter meter, String instrument, String unit, String description, Counters counters,
                                Function<String, Attributes[]> attributes) {
        meter.counterBuilder(instrument).setUnit(unit).setDescription(description)
                .buildWithCallback(measurement -> report(counters, attributes, measurement));
    }

    private static void report(Counters counters, Function<String, Attributes[]> attributes,
                               ObservableLongMeasurement measurement) {
        counters.collect(series -> {
            Attributes[] byIndex = attributesOf(series, attributes);
            for (int i = 0; i < series.width(); i++) {
                long value = series.export(i);
                if (value > 0) {
                    measurement.record(value, byIndex[i]);
                }
            }
        });
    }

    private static Attributes[] attributesOf(CounterSeries series, Function<String, Attributes[]> build) {
        Attributes[] attributes = (Attributes[]) series.exportState();
        if (attributes == null) {
            attributes = build.apply(series.name());
            series.exportState(attributes);
        }
        return attributes;
    }

    /**
     * Hands every duration recorded since the last collection to the SDK's histogram, as records of each
     * bucket's mean, so the exported bucket counts, count and sum are those of the calls; what a site has beyond
     * {@link #MAX_DURATIONS_PER_COLLECTION} is counted in {@code bulwark.telemetry.dropped} instead. Records made
     * here carry the collection's time, not the calls'.
     */
    private synchronized void drainDurations() {
        durations.collect(series -> {
            Attributes[] byOutcome = (Attributes[]) series.exportState();
            if (byOutcome == null) {
                byOutcome = outcomes(series.name(), DURATION_OUTCOMES);
                series.exportState(byOutcome);
            }
            Attributes[] attributes = byOutcome;
            long dropped = series.drain(maxDurationsPerCollection, (outcome, seconds, times) -> {
                for (long i = 0; i < times; i++) {
                    callDuration.record(seconds, attributes[outcome]);
                }
            });
            droppedDurations.add(series.name(), 0, dropped);
        });
    }

    private void recordStates(PolicyRegistry registry, ObservableLongMeasurement measurement) {
        for (String name : registry.circuitBreakerNames()) {
            CircuitBreaker breaker = registry.circuitBreaker(name);
            if (breaker != null) {
                CircuitState current = breaker.state();
                Attributes[] byState = states.of(name);
                for (CircuitState state : STATES) {
                    measurement.record(state == current ? 1 : 0, byState[state.ordinal()]);
                }
            }
        }
    }

    private void recordActive(PolicyRegistry registry, ObservableLongMeasurement measurement) {
        for (String name : registry.bulkheadNames()) {
            int active = registry.bulkheadActive(name);
            if (active >= 0) {
                measurement.record(active, names.of(name)[0]);
            }
        }
    }

    void breakerOutcome(String name, CallOutcome outcome) {
        breakerCalls.increment(name, outcome.ordinal());
    }

    void transition(String name, CircuitState from, CircuitState to) {
        breakerTransitions.increment(name, from.ordinal() * STATES.length + to.ordinal());
    }

    void retryFinished(String name, RetryOutcome outcome) {
        retryCalls.increment(name, outcome.ordinal());
    }

    void retryAttempt(String name) {
        retryAttempts.increment(name, 0);
    }

    void bulkhead(String name, boolean permitted) {
        bulkheadCalls.increment(name, permitted ? PERMITTED : REJECTED);
    }

    void rateLimiter(String name, boolean permitted) {
        limiterCalls.increment(name, permitted ? PERMITTED : REJECTED);
    }

    void timeout(String site, boolean timedOut) {
        timeoutCalls.increment(site, timedOut ? 1 : 0);
    }

    void fallback(String site) {
        fallbackCalls.increment(site, 0);
    }

    /** A negative duration marks an invocation that began before the SDK was found, and was not timed. */
    void finished(String site, long durationNanos, boolean failed) {
        durations.record(site, durationNanos, failed);
    }

    static String stateValue(CircuitState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static Attributes[] named(String name) {
        return new Attributes[]{Attributes.of(NAME, name)};
    }

    private static Attributes[] outcomes(String name, String... values) {
        Attributes[] attributes = new Attributes[values.length];
        for (int i = 0; i < values.length; i++) {
            attributes[i] = Attributes.of(NAME, name, OUTCOME, values[i]);
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

    private static Attributes[] states(String name) {
        Attributes[] attributes = new Attributes[STATES.length];
        for (CircuitState state : STATES) {
            attributes[state.ordinal()] = Attributes.of(NAME, name, STATE, stateValue(state));
        }
        return attributes;
    }

    private static Attributes[] transitions(String name) {
        Attributes[] attributes = new Attributes[STATES.length * STATES.length];
        for (CircuitState from : STATES) {
            for (CircuitState to : STATES) {
                attributes[from.ordinal() * STATES.length + to.ordinal()] =
                        Attributes.of(NAME, name, FROM, stateValue(from), TO, stateValue(to));
            }
        }
        return attributes;
    }
}
