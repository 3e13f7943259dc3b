package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.telemetry.SpanMode;
import dev.bulwark.agent.telemetry.TelemetrySettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** An injection by a chaos experiment is a {@code bulwark.chaos} event of the invocation's span, with its kind. */
class ChaosSpanEventTest {
    private static final String SITE = "com.acme.Pricing#quote";

    @ParameterizedTest
    @EnumSource(value = SpanMode.class, names = {"ALL", "EVENTFUL"})
    void injectionsAreEventsBesideTheFallbackThatAnsweredThem(SpanMode mode) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build()) {
            OtelRecorder recorder = new OtelRecorder(sdk, new TelemetrySettings(null, mode, "test", null), "test");
            Object invocation = recorder.invocationStarted(SITE);
            if (invocation == CallObserver.EVENTFUL) {
                invocation = recorder.invocationTraced(SITE, System.nanoTime());
            }
            recorder.chaosInjected(invocation, SITE, false);
            recorder.chaosInjected(invocation, SITE, true);
            recorder.fallback(invocation, SITE);
            recorder.invocationFinished(invocation, SITE, 1_000, null, new IOException("chaos"));

            assertThat(exporter.getFinishedSpanItems()).singleElement().satisfies(span -> {
                assertThat(span.getEvents()).extracting(EventData::getName)
                        .containsExactly("bulwark.chaos", "bulwark.chaos", "bulwark.fallback");
                assertThat(span.getEvents()).extracting(event -> event.getAttributes().get(OtelMetrics.KIND))
                        .containsExactly("latency", "fault", null);
            });
        }
    }
}
