package dev.bulwark.benchmarks;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Collection;

/**
 * An OpenTelemetry SDK registered as {@code GlobalOpenTelemetry} before the first woven call, as an application
 * does at start-up; Bulwark's telemetry finds it and records every decision into it. Every benchmark forks its
 * own JVM, so the rows without one of these states run with no SDK at all.
 */
public final class OpenTelemetrySdks {
    private OpenTelemetrySdks() {
    }

    /** Metrics into an SDK meter provider (read on demand, as a Prometheus scrape would); no tracer provider. */
    @State(Scope.Benchmark)
    public static class Metrics {
        @Setup(Level.Trial)
        public void register() {
            OpenTelemetrySdk.builder()
                    .setMeterProvider(meters())
                    .buildAndRegisterGlobal();
        }
    }

    /** Metrics, and every span sampled and handed to a batch processor whose exporter drops them. */
    @State(Scope.Benchmark)
    public static class MetricsAndSpans {
        @Setup(Level.Trial)
        public void register() {
            OpenTelemetrySdk.builder()
                    .setMeterProvider(meters())
                    .setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
                            .build())
                    .buildAndRegisterGlobal();
        }
    }

    private static SdkMeterProvider meters() {
        return SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build();
    }

    /** Export is off the calling thread in a batch processor; what a call pays is recording and the hand-off. */
    private static final class DroppingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
