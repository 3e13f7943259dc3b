package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver.RetryOutcome;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.policy.budget.RetryBudget;
import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Bulwark's metric instruments (docs/telemetry.md), created once per OpenTelemetry instance, with their attributes
 * cached per name.
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
    /** Index into the success / failure pair of {@code bulwark.call.duration}. */
    static final int SUCCESS = 0;
    static final int FAILURE = 1;

    private static final CircuitState[] STATES = CircuitState.values();
    /** Seconds: the SDK's default boundaries are meant for milliseconds. */
    private static final List<Double> DURATION_BUCKETS = Arrays.asList(
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);

    final LongCounter breakerCalls;
    final LongCounter breakerTransitions;
    final LongCounter retryCalls;
    final LongCounter retryAttempts;
    final LongCounter bulkheadCalls;
    final LongCounter limiterCalls;
    final LongCounter timeoutCalls;
    final LongCounter fallbackCalls;
    final DoubleHistogram callDuration;

    final NamedAttributes names = new NamedAttributes(name -> new Attributes[]{Attributes.of(NAME, name)});
    final NamedAttributes breakerOutcomes = new NamedAttributes(name -> outcomes(name, lowerCase(CallOutcome.values())));
    final NamedAttributes retryOutcomes = new NamedAttributes(name -> outcomes(name, retryValues()));
    final NamedAttributes admissions = new NamedAttributes(name -> outcomes(name, "permitted", "rejected"));
    final NamedAttributes timeouts = new NamedAttributes(name -> outcomes(name, "completed", "timed_out"));
    final NamedAttributes durations = new NamedAttributes(name -> outcomes(name, "success", "failure"));
    final NamedAttributes states = new NamedAttributes(OtelMetrics::states);
    /** Indexed by {@code from.ordinal() * 3 + to.ordinal()}. */
    final NamedAttributes transitions = new NamedAttributes(OtelMetrics::transitions);

    OtelMetrics(Meter meter, PolicyRegistry registry) {
        breakerCalls = meter.counterBuilder("bulwark.circuit_breaker.calls").setUnit("{call}")
                .setDescription("Calls seen by a circuit breaker, by outcome").build();
        breakerTransitions = meter.counterBuilder("bulwark.circuit_breaker.transitions").setUnit("{transition}")
                .setDescription("State transitions of a circuit breaker").build();
        retryCalls = meter.counterBuilder("bulwark.retry.calls").setUnit("{call}")
                .setDescription("Calls through a retry, by how the retry loop ended").build();
        retryAttempts = meter.counterBuilder("bulwark.retry.attempts").setUnit("{attempt}")
                .setDescription("Re-invocations made by a retry").build();
        bulkheadCalls = meter.counterBuilder("bulwark.bulkhead.calls").setUnit("{call}")
                .setDescription("Calls admitted or rejected by a bulkhead").build();
        limiterCalls = meter.counterBuilder("bulwark.rate_limiter.calls").setUnit("{call}")
                .setDescription("Calls admitted or rejected by a rate limiter").build();
        timeoutCalls = meter.counterBuilder("bulwark.timeout.calls").setUnit("{call}")
                .setDescription("Attempts under a timeout, by whether they ran past it").build();
        fallbackCalls = meter.counterBuilder("bulwark.fallback.calls").setUnit("{call}")
                .setDescription("Calls answered by a fallback method").build();
        callDuration = meter.histogramBuilder("bulwark.call.duration").setUnit("s")
                .setDescription("Duration of protected invocations, retries and fallback included")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        if (registry != null) {
            meter.gaugeBuilder("bulwark.circuit_breaker.state").ofLongs()
                    .setDescription("1 for the current state of a circuit breaker, 0 for the others")
                    .buildWithCallback(measurement -> recordStates(registry, measurement));
            meter.gaugeBuilder("bulwark.bulkhead.active").ofLongs().setUnit("{call}")
                    .setDescription("Calls running inside a bulkhead now")
                    .buildWithCallback(measurement -> recordActive(registry, measurement));
            meter.gaugeBuilder("bulwark.retry_budget.balance").setUnit("{token}")
                    .setDescription("Tokens in a retry budget: ratio times first attempts minus retries, within its window")
                    .buildWithCallback(measurement -> recordBalances(registry, measurement));
        }
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

    private void recordBalances(PolicyRegistry registry, ObservableDoubleMeasurement measurement) {
        for (String name : registry.retryBudgetNames()) {
            RetryBudget budget = registry.retryBudget(name);
            if (budget != null) {
                measurement.record(budget.balance(), names.of(name)[0]);
            }
        }
    }

    void breakerOutcome(String name, CallOutcome outcome) {
        breakerCalls.add(1, breakerOutcomes.of(name)[outcome.ordinal()]);
    }

    void transition(String name, CircuitState from, CircuitState to) {
        breakerTransitions.add(1, transitions.of(name)[from.ordinal() * STATES.length + to.ordinal()]);
    }

    void retryFinished(String name, RetryOutcome outcome) {
        retryCalls.add(1, retryOutcomes.of(name)[outcome.ordinal()]);
    }

    void retryAttempt(String name) {
        retryAttempts.add(1, names.of(name)[0]);
    }

    void bulkhead(String name, boolean permitted) {
        bulkheadCalls.add(1, admissions.of(name)[permitted ? PERMITTED : REJECTED]);
    }

    void rateLimiter(String name, boolean permitted) {
        limiterCalls.add(1, admissions.of(name)[permitted ? PERMITTED : REJECTED]);
    }

    void timeout(String site, boolean timedOut) {
        timeoutCalls.add(1, timeouts.of(site)[timedOut ? 1 : 0]);
    }

    void fallback(String site) {
        fallbackCalls.add(1, names.of(site)[0]);
    }

    /** A negative duration marks an invocation that began before the SDK was found, and was not timed. */
    void finished(String site, long durationNanos, boolean failed) {
        if (durationNanos >= 0) {
            callDuration.record(durationNanos / 1e9, durations.of(site)[failed ? FAILURE : SUCCESS]);
        }
    }

    static String stateValue(CircuitState state) {
        return state.name().toLowerCase(Locale.ROOT);
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
