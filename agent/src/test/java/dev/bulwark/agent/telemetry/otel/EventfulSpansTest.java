package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.CallObserver.Rejection;
import dev.bulwark.agent.telemetry.SpanMode;
import dev.bulwark.agent.telemetry.TelemetrySettings;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class EventfulSpansTest {
    private static final String SITE = "com.acme.Shop#buy";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
    private final OtelRecorder recorder = new OtelRecorder(sdk,
            new TelemetrySettings(null, SpanMode.EVENTFUL, "test", null), "test");

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void aHealthyInvocationGetsNoRecordAndMakesNoSpan() {
        Object invocation = recorder.invocationStarted(SITE);
        recorder.invocationFinished(invocation, SITE, 1_000, null, null);

        assertThat(invocation).isSameAs(CallObserver.EVENTFUL);
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void aRetriedInvocationGetsASpanBackdatedToItsStartWithItsEvents() {
        Object invocation = traced(System.nanoTime() - 5_000_000_000L);
        recorder.retryAttempt(invocation, "payments", 2);
        recorder.invocationFinished(invocation, SITE, 5_000_000_000L, null, null);

        assertThat(exporter.getFinishedSpanItems()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("Shop.buy");
            assertThat(span.getEndEpochNanos() - span.getStartEpochNanos()).isBetween(5_000_000_000L, 6_000_000_000L);
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("bulwark.retry");
            assertThat(span.getEvents().get(0).getAttributes().get(OtelSpans.ATTEMPT)).isEqualTo(2L);
            assertThat(span.getEvents().get(0).getEpochNanos()).isBetween(span.getStartEpochNanos(), span.getEndEpochNanos());
        });
    }

    @Test
    void rejectedFellBackAndFailedInvocationsGetSpans() {
        Object rejected = traced(System.nanoTime());
        recorder.rejected(rejected, "backend", Rejection.CIRCUIT_BREAKER);
        recorder.fallback(rejected, SITE);
        recorder.invocationFinished(rejected, SITE, 1_000, null, null);
        Object failed = traced(System.nanoTime());
        IllegalStateException boom = new IllegalStateException("boom");
        recorder.invocationFinished(failed, SITE, 1_000, IllegalStateException.class, boom);

        assertThat(exporter.getFinishedSpanItems()).hasSize(2);
        SpanData fellBack = exporter.getFinishedSpanItems().get(0);
        assertThat(fellBack.getEvents()).extracting(EventData::getName).containsExactly("bulwark.rejected", "bulwark.fallback");
        assertThat(fellBack.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        SpanData error = exporter.getFinishedSpanItems().get(1);
        assertThat(error.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(error.getEvents()).extracting(EventData::getName).containsExactly("exception");
    }

    @Test
    void nestedInvocationsKeepTheirOwnRecordsAndTheCallersSpanIsTheParent() {
        Span caller = sdk.getTracer("test").spanBuilder("caller").startSpan();
        try (Scope ignored = caller.makeCurrent()) {
            Object outer = traced(System.nanoTime());
            Object inner = traced(System.nanoTime());
            assertThat(inner).isNotSameAs(outer);
            recorder.invocationFinished(inner, "com.acme.Stock#check", 1_000, IllegalStateException.class, null);
            recorder.retryAttempt(outer, "payments", 2);
            recorder.invocationFinished(outer, SITE, 2_000, null, null);
        }
        caller.end();

        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactly("Shop.buy", "Shop.buy", "caller");
        assertThat(exporter.getFinishedSpanItems().subList(0, 2)).allSatisfy(span ->
                assertThat(span.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId()));
    }

    @Test
    void anInvocationThatLeftItsThreadKeepsTheParentItStartedUnder() throws Exception {
        Span caller = sdk.getTracer("test").spanBuilder("caller").startSpan();
        Object invocation;
        try (Scope ignored = caller.makeCurrent()) {
            invocation = traced(System.nanoTime());
            recorder.invocationDetached(invocation);
        }
        CompletableFuture.runAsync(() -> {
            recorder.rejected(invocation, SITE, Rejection.TIMEOUT);
            recorder.invocationFinished(invocation, SITE, 1_000, null, null);
        }).get();
        caller.end();

        assertThat(exporter.getFinishedSpanItems().get(0).getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
        assertThat(exporter.getFinishedSpanItems().get(0).getEvents()).extracting(EventData::getName)
                .containsExactly("bulwark.timeout");
    }

    @Test
    void anInvocationThatLeftItsThreadAndEndedHealthyMakesNoSpan() {
        Object invocation = traced(System.nanoTime());
        recorder.invocationDetached(invocation);
        recorder.invocationFinished(invocation, SITE, 1_000, null, null);

        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    /** What the chain does at an eventful invocation's first event. */
    private Object traced(long startNanos) {
        assertThat(recorder.invocationStarted(SITE)).isSameAs(CallObserver.EVENTFUL);
        return recorder.invocationTraced(SITE, startNanos);
    }
}
