package dev.bulwark.it.app.telemetry;

import dev.bulwark.it.app.Report;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The workload against an SDK the application registers itself as {@code GlobalOpenTelemetry}, with
 * in-memory exporters; prints every Bulwark metric point as {@code @@ metric <name>{<key>:<value>,...}=<value>}
 * and every span as {@code @@ span <i>=<name>|<parent name>|<status>|<events>}.
 */
public final class SdkScenarios {
    private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    private SdkScenarios() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(SdkScenarios.class, args);
    }

    private static void registerSdk() {
        OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(METRICS).build())
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .buildAndRegisterGlobal();
    }

    public static void workload() throws InterruptedException {
        registerSdk();
        Workload.run();
        reportMetrics(METRICS.collectAllMetrics());
        reportSpans(SPANS.getFinishedSpanItems());
    }

    /** One call whose retry budget refuses its retry: the refusal's outcome and the budget's balance. */
    public static void budget() {
        registerSdk();
        Report.put("refused", Report.outcome(BudgetWorkload::refused));
        reportMetrics(METRICS.collectAllMetrics());
    }

    /**
     * The adaptive timeout's gauge before warm-up, after warm-up on calls that complete at once, and after rounds
     * of calls that never complete, each ended by the timeout, loosened it back to its value; then the states of
     * a keyed breaker's instances.
     */
    public static void adaptive() {
        registerSdk();
        // The site's first call loads and links what it runs, which may take longer than the timeout.
        AdaptiveWorkload.quickOrStuck(false).toCompletableFuture().exceptionally(e -> null).join();
        Report.put("timeoutBefore", currentTimeout());
        for (int i = 0; i < Integer.getInteger("scenario.warmUp"); i++) {
            AdaptiveWorkload.quickOrStuck(false).toCompletableFuture().join();
        }
        // On a loaded machine more than a tenth of the warm-up calls may be slow (a compilation, a pause): more
        // quick calls outnumber them in the window, as they would in a service.
        String warm = currentTimeout();
        for (int round = 0; round < 30 && !warm.equals("0.01"); round++) {
            for (int i = 0; i < 64; i++) {
                AdaptiveWorkload.quickOrStuck(false).toCompletableFuture().join();
            }
            warm = currentTimeout();
        }
        Report.put("timeoutWarm", warm);
        String loosened = currentTimeout();
        for (int round = 0; round < 30 && !loosened.equals("0.2"); round++) {
            CompletableFuture<?>[] stuck = new CompletableFuture<?>[64];
            for (int i = 0; i < stuck.length; i++) {
                stuck[i] = AdaptiveWorkload.quickOrStuck(true).toCompletableFuture().exceptionally(e -> null);
            }
            CompletableFuture.allOf(stuck).join();
            loosened = currentTimeout();
        }
        Report.put("timeoutLoosened", loosened);
        Report.put("down", Report.outcome(() -> AdaptiveWorkload.perHost("down")));
        Report.put("up", Report.outcome(() -> AdaptiveWorkload.perHost("up")));
        reportMetrics(METRICS.collectAllMetrics());
    }

    private static String currentTimeout() {
        for (MetricData metric : METRICS.collectAllMetrics()) {
            if (metric.getName().equals("bulwark.timeout.current")) {
                for (PointData point : metric.getData().getPoints()) {
                    return String.valueOf(value(point));
                }
            }
        }
        return "none";
    }

    /** Protected calls before the application's set(): they must not freeze the global to a no-op. */
    public static void registeredAfterFirstCalls() throws InterruptedException {
        Report.put("early", Report.outcome(Workload::fast));
        registerSdk();
        Report.put("sameGlobal", GlobalOpenTelemetry.get().getClass().getName());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int calls = 0;
        long recorded = 0;
        while (recorded == 0 && System.nanoTime() < deadline) {
            Workload.fast();
            calls++;
            recorded = SPANS.getFinishedSpanItems().size();
            if (recorded == 0) {
                Thread.sleep(50);
            }
        }
        Report.put("spansRecorded", recorded > 0);
        Report.put("callsUntilRecorded", calls);
    }

    private static void reportMetrics(Collection<MetricData> metrics) {
        for (MetricData metric : metrics) {
            if (!metric.getInstrumentationScopeInfo().getName().equals("dev.bulwark")) {
                continue;
            }
            Report.put("scope", metric.getInstrumentationScopeInfo().getName() + "@"
                    + metric.getInstrumentationScopeInfo().getVersion());
            Report.put("unit " + metric.getName(), metric.getUnit());
            for (PointData point : metric.getData().getPoints()) {
                Report.put("metric " + metric.getName() + format(point.getAttributes(), ":"), value(point));
            }
        }
    }

    private static Object value(PointData point) {
        if (point instanceof LongPointData) {
            return ((LongPointData) point).getValue();
        }
        if (point instanceof DoublePointData) {
            return ((DoublePointData) point).getValue();
        }
        if (point instanceof HistogramPointData) {
            return ((HistogramPointData) point).getCount();
        }
        return point;
    }

    /** Keys of report lines end at their first '=', so attributes in a key use another separator. */
    private static String format(Attributes attributes, String separator) {
        Map<String, String> sorted = new TreeMap<>();
        attributes.forEach((key, value) -> sorted.put(key.getKey(), String.valueOf(value)));
        return sorted.entrySet().stream().map(e -> e.getKey() + separator + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static void reportSpans(List<SpanData> spans) {
        Map<String, String> namesById = spans.stream().collect(Collectors.toMap(SpanData::getSpanId, SpanData::getName));
        Function<EventData, String> event = e -> e.getName() + (e.getAttributes().isEmpty() ? "" : format(e.getAttributes(), "="));
        int i = 0;
        for (SpanData span : spans) {
            Report.put("span " + i++, span.getName() + "|" + namesById.getOrDefault(span.getParentSpanId(), "-") + "|"
                    + span.getKind() + "|" + span.getStatus().getStatusCode() + "|" + span.getInstrumentationScopeInfo().getName()
                    + "|" + span.getEvents().stream().map(event).collect(Collectors.joining(",")));
        }
        Report.put("spans", spans.size());
    }
}
