package dev.bulwark.benchmarks.overload;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.bulwark.BulkheadFullException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Overload: a downstream of {@link #WORKERS} workers whose latency grows with its concurrency, driven open-loop at
 * 0.5, 1, 2 and 4 times its capacity, a tenth of the calls {@code critical} and the rest {@code batch}; one row per
 * way of protecting it, each row running the four loads in turn on the same limiter. A caller gives up after
 * {@link #CLIENT_TIMEOUT_NANOS}: what comes later is not goodput. Writes {@code overload.md} (the table and the
 * issue's targets with their verdicts) and {@code overload-limit.png} (each row's limit over its run).
 *
 * <pre>
 * java -javaagent:agent/target/bulwark-agent.jar -Dbulwark.config=benchmarks/overload.conf \
 *      -cp benchmarks/target/benchmarks.jar dev.bulwark.benchmarks.overload.OverloadBenchmark [--out DIR] [--seconds 2.5]
 * </pre>
 */
public final class OverloadBenchmark {
    static final int WORKERS = 4;
    static final long SERVICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final double[] LOADS = {0.5, 1, 2, 4};
    static final long CLIENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int CRITICAL_EVERY = 10;
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Exception PEER_REJECTED = new Exception("concurrency-limits rejected the call", null, false, false) {
    };
    private static final InMemoryMetricReader METRICS = InMemoryMetricReader.create();
    private static final ScheduledExecutorService SAMPLER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "limit-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private final long cellNanos;
    private final Downstream downstream = new Downstream(WORKERS, SERVICE_NANOS);

    private OverloadBenchmark(long cellNanos) {
        this.cellNanos = cellNanos;
        OverloadService.downstream = downstream;
    }

    /** One way of calling the downstream; {@code limit} is null when it has none. */
    record Row(String name, Function<String, CompletableFuture<?>> caller, IntSupplier limit) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get("benchmarks/target/results");
        double seconds = 2.5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Paths.get(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(METRICS).build())
                .buildAndRegisterGlobal();
        Files.createDirectories(out);
        new OverloadBenchmark((long) (seconds * 1e9)).run(out);
        System.exit(0);
    }

    private void run(Path out) throws IOException {
        List<Row> rows = rows();
        double nominal = WORKERS * (double) TimeUnit.SECONDS.toNanos(1) / SERVICE_NANOS;
        runCell(rows.get(0), 0.5 * nominal, TimeUnit.SECONDS.toNanos(1), new ArrayList<>(), System.nanoTime());
        // One call through each row first: Bulwark's first protected call starts its runtime, which is no part of
        // what a load measures.
        for (Row row : rows) {
            row.caller().apply("batch").handle((value, error) -> value).join();
            if (row.limit() != null) {
                row.limit().getAsInt();
            }
        }
        Map<String, Recorder.Summary[]> table = new LinkedHashMap<>();
        Map<String, List<double[]>> limits = new LinkedHashMap<>();
        List<Map.Entry<Double, String>> phases = new ArrayList<>();
        for (Row row : rows) {
            settle();
            Recorder.Summary[] cells = new Recorder.Summary[LOADS.length];
            List<double[]> series = new ArrayList<>();
            long rowStart = System.nanoTime();
            for (int i = 0; i < LOADS.length; i++) {
                if (row.limit() != null && phases.size() < LOADS.length) {
                    phases.add(new AbstractMap.SimpleEntry<>((System.nanoTime() - rowStart) / 1e9, format(LOADS[i]) + "x"));
                }
                cells[i] = runCell(row, LOADS[i] * nominal, cellNanos, series, rowStart);
                System.out.printf(Locale.ROOT, "%-50s %4sx  goodput %6.0f/s  p50 %7.1f ms  p99 %7.1f ms  critical %5.1f %%"
                                + "  rejected %d  late %d  drained %d%n", row.name(), format(LOADS[i]), cells[i].goodput(),
                        cells[i].p50Millis(), cells[i].p99Millis(), cells[i].criticalServedPercent(), cells[i].rejected(),
                        cells[i].late(), cells[i].drained());
            }
            table.put(row.name(), cells);
            if (row.limit() != null) {
                limits.put(row.name(), series);
            }
        }
        // Loads are multiples of the nominal capacity; the targets judge goodput against the capacity the workers
        // really had, whose timed waits run long on a busy machine.
        double capacity = downstream.capacityPerSecond();
        String report = report(table, capacity);
        System.out.println(report);
        Files.writeString(out.resolve("overload.md"), report, StandardCharsets.UTF_8);
        LimitPlot.write(out.resolve("overload-limit.png"), String.format(Locale.ROOT,
                "Concurrency limit under 0.5x, 1x, 2x, 4x load (downstream: %d workers, %.0f calls/s)", WORKERS, capacity),
                limits, phases, WORKERS);
        downstream.shutdown();
    }

    /**
     * Collects what the previous row left (the unprotected row's 4x load leaves thousands of abandoned calls), so
     * that its garbage collection does not stall the next row's first load.
     */
    private static void settle() {
        System.gc();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }

    private List<Row> rows() {
        SimpleLimiter<Void> peer = SimpleLimiter.newBuilder()
                .limit(Gradient2Limit.newBuilder().initialLimit(20).minLimit(1).maxConcurrency(200).build()).build();
        return List.of(
                new Row("no protection", OverloadService::unprotected, null),
                new Row("fixed bulkhead (25)", OverloadService::fixed, () -> bulwarkLimit("overload-fixed")),
                new Row("Bulwark adaptive gradient2", OverloadService::gradient2, () -> bulwarkLimit("overload-gradient2")),
                new Row("Bulwark adaptive vegas", OverloadService::vegas, () -> bulwarkLimit("overload-vegas")),
                new Row("Bulwark adaptive aimd", OverloadService::aimd, () -> bulwarkLimit("overload-aimd")),
                new Row("Bulwark adaptive gradient2 + partitions", OverloadService::partitioned,
                        () -> bulwarkLimit("overload-partitioned")),
                new Row("concurrency-limits SimpleLimiter + Gradient2Limit", priority -> peerCall(peer), peer::getLimit));
    }

    private CompletableFuture<?> peerCall(SimpleLimiter<Void> peer) {
        Optional<Limiter.Listener> listener = peer.acquire(null);
        if (listener.isEmpty()) {
            return CompletableFuture.failedFuture(PEER_REJECTED);
        }
        CompletableFuture<Long> answer = downstream.call();
        answer.whenComplete((value, error) -> {
            if (error == null) {
                listener.get().onSuccess();
            } else {
                listener.get().onIgnore();
            }
        });
        return answer;
    }

    /** Fires calls at {@code rate} per second for {@code nanos}, then waits for their answers as a caller would. */
    private Recorder.Summary runCell(Row row, double rate, long nanos, List<double[]> limitSeries, long rowStart) {
        long start = System.nanoTime();
        Recorder recorder = new Recorder((int) (rate * nanos / 1e9 * 1.2) + 1000, start + nanos);
        // Sampled on a thread of its own: a metrics collection on the driver's thread would delay arrivals and
        // then fire them as a burst.
        ScheduledFuture<?> sampling = row.limit() == null ? null : SAMPLER.scheduleAtFixedRate(() -> {
            int limit = row.limit().getAsInt();
            synchronized (limitSeries) {
                limitSeries.add(new double[]{(System.nanoTime() - rowStart) / 1e9, limit});
            }
        }, 0, SAMPLE_NANOS, TimeUnit.NANOSECONDS);
        long fired = 0;
        long now;
        while ((now = System.nanoTime()) - start < nanos) {
            long due = (long) ((now - start) * rate / 1e9);
            for (; fired < due; fired++) {
                fire(row, fired % CRITICAL_EVERY == 0, recorder);
            }
            LockSupport.parkNanos(200_000);
        }
        if (sampling != null) {
            sampling.cancel(false);
        }
        long drainUntil = System.nanoTime() + CLIENT_TIMEOUT_NANOS;
        while (recorder.answered() < fired && System.nanoTime() - drainUntil < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        downstream.dropQueued();
        long settleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (recorder.answered() < fired && System.nanoTime() - settleUntil < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        return recorder.summary(nanos / 1e9);
    }

    private static void fire(Row row, boolean critical, Recorder recorder) {
        recorder.fired(critical);
        long sent = System.nanoTime();
        CompletableFuture<?> answer;
        try {
            answer = row.caller().apply(critical ? "critical" : "batch");
        } catch (BulkheadFullException refused) {
            recorder.rejected();
            return;
        }
        answer.whenComplete((value, error) -> {
            long latency = System.nanoTime() - sent;
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null && latency <= CLIENT_TIMEOUT_NANOS) {
                recorder.succeeded(critical, latency, sent + latency);
            } else if (cause instanceof BulkheadFullException || cause == PEER_REJECTED) {
                recorder.rejected();
            } else {
                recorder.late();
            }
        });
    }

    private static int bulwarkLimit(String name) {
        for (MetricData metric : METRICS.collectAllMetrics()) {
            if (metric.getName().equals("bulwark.bulkhead.limit")) {
                for (LongPointData point : metric.getLongGaugeData().getPoints()) {
                    if (name.equals(point.getAttributes().get(AttributeKey.stringKey("bulwark.name")))) {
                        return (int) point.getValue();
                    }
                }
            }
        }
        return 0;
    }

    private static String format(double load) {
        return load == Math.rint(load) ? String.valueOf((int) load) : String.valueOf(load);
    }

    private String report(Map<String, Recorder.Summary[]> table, double capacity) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Downstream: %d workers, %.1f ms per call nominally, loads are multiples of"
                        + " %.0f calls/s, capacity %.0f calls/s as measured over the run;"
                        + " %.1f s per load, callers give up after %d ms; a tenth of the calls are critical;"
                        + " goodput counts the successes answered while the load ran.%n%n",
                WORKERS, SERVICE_NANOS / 1e6, WORKERS * 1e9 / SERVICE_NANOS, capacity, cellNanos / 1e9,
                TimeUnit.NANOSECONDS.toMillis(CLIENT_TIMEOUT_NANOS)));
        md.append("| row | load | goodput (calls/s) | p50 (ms) | p99 (ms) | critical served |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Recorder.Summary[]> row : table.entrySet()) {
            for (int i = 0; i < LOADS.length; i++) {
                Recorder.Summary cell = row.getValue()[i];
                md.append(String.format(Locale.ROOT, "| %s | %sx | %.0f | %.1f | %.1f | %.1f %% |%n", row.getKey(),
                        format(LOADS[i]), cell.goodput(), cell.p50Millis(), cell.p99Millis(), cell.criticalServedPercent()));
            }
        }
        int overloaded = LOADS.length - 1;
        double unloadedP99 = table.get("no protection")[0].p99Millis();
        md.append(String.format(Locale.ROOT, "%nTargets at 4x (unloaded p99 = %.1f ms, the no-protection row at 0.5x):%n%n",
                unloadedP99));
        md.append("| target | measured | verdict |\n|---|---|---|\n");
        for (String algorithm : new String[]{"gradient2", "vegas", "aimd"}) {
            Recorder.Summary cell = table.get("Bulwark adaptive " + algorithm)[overloaded];
            verdict(md, algorithm + ": p99 within 3x unloaded p99", String.format(Locale.ROOT, "%.1f ms (%.1fx)",
                    cell.p99Millis(), cell.p99Millis() / unloadedP99), cell.p99Millis() <= 3 * unloadedP99);
            verdict(md, algorithm + ": goodput within 10 % of capacity", String.format(Locale.ROOT, "%.0f/s (%.0f %%)",
                    cell.goodput(), 100 * cell.goodput() / capacity), cell.goodput() >= 0.9 * capacity);
        }
        Recorder.Summary partitioned = table.get("Bulwark adaptive gradient2 + partitions")[overloaded];
        verdict(md, "partitions: >= 95 % of critical calls succeed", String.format(Locale.ROOT, "%.1f %%",
                partitioned.criticalServedPercent()), partitioned.criticalServedPercent() >= 95);
        Recorder.Summary bulwark = table.get("Bulwark adaptive gradient2")[overloaded];
        Recorder.Summary peer = table.get("concurrency-limits SimpleLimiter + Gradient2Limit")[overloaded];
        verdict(md, "gradient2: goodput no worse than the peer", String.format(Locale.ROOT, "%.0f vs %.0f/s",
                bulwark.goodput(), peer.goodput()), bulwark.goodput() >= peer.goodput());
        verdict(md, "gradient2: p99 no worse than the peer", String.format(Locale.ROOT, "%.1f vs %.1f ms",
                bulwark.p99Millis(), peer.p99Millis()), bulwark.p99Millis() <= peer.p99Millis());
        return md.toString();
    }

    private static void verdict(StringBuilder md, String target, String measured, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "met" : "NOT met")
                .append(" |\n");
    }
}
