package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.telemetry.Recorder;
import dev.bulwark.agent.telemetry.TelemetrySettings;
import dev.bulwark.agent.telemetry.SpanMode;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/**
 * Records into one OpenTelemetry instance: its meter's instruments read Bulwark's counts (metrics on), and an
 * invocation's callbacks make its spans (spans on).
 */
final class OtelRecorder implements Recorder {
    private final OtelSpans spans;
    private final EventfulSpans eventful;
    /** What an invocation starts as when it is no span from its start: decided once, not at each call. */
    private final Object unspanned;
    private final String target;

    OtelRecorder(OpenTelemetry openTelemetry, TelemetrySettings settings, String target) {
        if (settings.metrics() != null) {
            OtelMetrics.register(openTelemetry.getMeterProvider().meterBuilder(TelemetrySettings.SCOPE)
                    .setInstrumentationVersion(settings.version()).build(), settings.metrics(), settings.registry());
        }
        Tracer tracer = settings.spans() == SpanMode.OFF ? null : openTelemetry.getTracerProvider()
                .tracerBuilder(TelemetrySettings.SCOPE).setInstrumentationVersion(settings.version()).build();
        this.spans = settings.spans() == SpanMode.ALL ? new OtelSpans(tracer) : null;
        this.eventful = settings.spans() == SpanMode.EVENTFUL ? new EventfulSpans(tracer) : null;
        this.unspanned = eventful != null ? EVENTFUL : settings.metrics() != null ? COUNTING : NOT_RECORDING;
        this.target = target;
    }

    @Override
    public String describe() {
        return target;
    }

    @Override
    public Object invocationStarted(String site) {
        return spans != null ? spans.start(site) : unspanned;
    }

    @Override
    public Object invocationTraced(String site, long startNanos) {
        return eventful != null ? eventful.traced(site, startNanos) : COUNTING;
    }

    @Override
    public void invocationDetached(Object invocation) {
        OtelSpans.detach(invocation);
        EventfulSpans.detach(invocation);
    }

    @Override
    public void invocationAbandoned(Object invocation) {
        OtelSpans.abandon(invocation);
    }

    @Override
    public void retryAttempt(Object invocation, String retryName, int attempt) {
        OtelSpans.retry(invocation, attempt);
        EventfulSpans.retry(invocation, attempt);
    }

    @Override
    public void rejected(Object invocation, String policyName, Rejection rejection) {
        OtelSpans.rejected(invocation, policyName, rejection);
        EventfulSpans.rejected(invocation, policyName, rejection);
    }

    @Override
    public void fallback(Object invocation, String site) {
        OtelSpans.fallback(invocation);
        EventfulSpans.fallback(invocation);
    }

    @Override
    public void chaosInjected(Object invocation, String site, boolean fault) {
        OtelSpans.chaos(invocation, fault);
        EventfulSpans.chaos(invocation, fault);
    }

    @Override
    public void invocationFinished(Object invocation, String site, long durationNanos, Class<? extends Throwable> failure,
                                   Throwable thrown) {
        OtelSpans.finish(invocation, failure, thrown);
        if (eventful != null) {
            eventful.finish(invocation, failure, thrown);
        }
    }
}
