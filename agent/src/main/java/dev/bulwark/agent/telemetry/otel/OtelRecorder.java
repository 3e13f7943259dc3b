package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.policy.circuitbreaker.CallOutcome;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import dev.bulwark.agent.telemetry.Recorder;
import dev.bulwark.agent.telemetry.TelemetrySettings;
import dev.bulwark.agent.telemetry.SpanMode;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/** Records into one OpenTelemetry instance: metrics and spans, each only when its switch is on. */
final class OtelRecorder implements Recorder {
    private final OtelMetrics metrics;
    private final OtelSpans spans;
    private final EventfulSpans eventful;
    private final String target;

    OtelRecorder(OpenTelemetry openTelemetry, TelemetrySettings settings, String target) {
        this.metrics = settings.metrics() ? new OtelMetrics(openTelemetry.getMeterProvider()
                .meterBuilder(TelemetrySettings.SCOPE).setInstrumentationVersion(settings.version()).build(),
                settings.registry()) : null;
        Tracer tracer = settings.spans() == SpanMode.OFF ? null : openTelemetry.getTracerProvider()
                .tracerBuilder(TelemetrySettings.SCOPE).setInstrumentationVersion(settings.version()).build();
        this.spans = settings.spans() == SpanMode.ALL ? new OtelSpans(tracer) : null;
        this.eventful = settings.spans() == SpanMode.EVENTFUL ? new EventfulSpans(tracer) : null;
        this.target = target;
    }

    @Override
    public String describe() {
        return target;
    }

    @Override
    public Object invocationStarted(String site) {
        if (spans != null) {
            return spans.start(site);
        }
        return eventful == null ? null : eventful.start(site);
    }

    @Override
    public void invocationDetached(Object invocation) {
        OtelSpans.detach(invocation);
        EventfulSpans.detach(invocation);
    }

    @Override
    public void invocationAbandoned(Object invocation) {
        OtelSpans.abandon(invocation);
        EventfulSpans.abandon(invocation);
    }

    @Override
    public void retryAttempt(Object invocation, String retryName, int attempt) {
        if (metrics != null) {
            metrics.retryAttempt(retryName);
        }
        OtelSpans.retry(invocation, attempt);
        EventfulSpans.retry(invocation, attempt);
    }

    @Override
    public void retryFinished(String retryName, RetryOutcome outcome) {
        if (metrics != null) {
            metrics.retryFinished(retryName, outcome);
        }
    }

    @Override
    public void rejected(Object invocation, String policyName, Rejection rejection) {
        OtelSpans.rejected(invocation, policyName, rejection);
        EventfulSpans.rejected(invocation, policyName, rejection);
    }

    @Override
    public void bulkhead(String bulkheadName, boolean permitted) {
        if (metrics != null) {
            metrics.bulkhead(bulkheadName, permitted);
        }
    }

    @Override
    public void rateLimiter(String limiterName, boolean permitted) {
        if (metrics != null) {
            metrics.rateLimiter(limiterName, permitted);
        }
    }

    @Override
    public void timeout(Object invocation, String site, boolean timedOut) {
        if (metrics != null) {
            metrics.timeout(site, timedOut);
        }
    }

    @Override
    public void fallback(Object invocation, String site) {
        if (metrics != null) {
            metrics.fallback(site);
        }
        OtelSpans.fallback(invocation);
        EventfulSpans.fallback(invocation);
    }

    @Override
    public void invocationFinished(Object invocation, String site, long durationNanos, Class<? extends Throwable> failure,
                                   Throwable thrown) {
        if (metrics != null) {
            metrics.finished(site, durationNanos, failure != null);
        }
        OtelSpans.finish(invocation, failure, thrown);
        if (eventful != null) {
            eventful.finish(invocation, durationNanos, failure, thrown);
        }
    }

    @Override
    public void onTransition(String name, CircuitState from, CircuitState to) {
        if (metrics != null) {
            metrics.transition(name, from, to);
        }
    }

    @Override
    public void onOutcome(String name, CallOutcome outcome) {
        if (metrics != null) {
            metrics.breakerOutcome(name, outcome);
        }
    }
}
