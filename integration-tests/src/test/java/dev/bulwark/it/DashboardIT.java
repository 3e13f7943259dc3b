package dev.bulwark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped Grafana dashboard queries only metrics that a real scrape of the running sample app has. */
class DashboardIT {
    private static final Path DASHBOARD = Paths.get("..", "dashboards", "bulwark.json").toAbsolutePath().normalize();
    private static final Pattern METRIC = Pattern.compile("\\bbulwark_[a-z_]+\\b");
    /** In an expression, a metric name is followed by its selector; anything else named bulwark_ is a label. */
    private static final Pattern SELECTED_METRIC = Pattern.compile("\\b(bulwark_[a-z_]+)\\{");
    private static final Set<String> LABELS = Set.of("bulwark_name", "bulwark_outcome", "bulwark_state", "bulwark_from",
            "bulwark_to", "bulwark_partition", "bulwark_kind");
    /** The Prometheus family of each instrument Bulwark records (docs/telemetry.md). */
    private static final Set<String> EVERY_INSTRUMENT = Set.of("bulwark_circuit_breaker_calls_total",
            "bulwark_circuit_breaker_state", "bulwark_circuit_breaker_transitions_total", "bulwark_retry_calls_total",
            "bulwark_retry_attempts_total", "bulwark_bulkhead_calls_total", "bulwark_bulkhead_active",
            "bulwark_bulkhead_limit",
            "bulwark_rate_limiter_calls_total", "bulwark_timeout_calls_total", "bulwark_fallback_calls_total",
            "bulwark_call_duration_seconds_bucket", "bulwark_retry_budget_balance", "bulwark_chaos_injected_total",
            "bulwark_timeout_current_seconds");
    /** A chaos experiment that delays pricing a little, so that the sample's scrape has injections to show. */
    private static final String[] CHAOS = {"-Dbulwark.chaos.experiments.0.class=dev.bulwark.sample.PricingService",
            "-Dbulwark.chaos.experiments.0.method=price", "-Dbulwark.chaos.experiments.0.latency.rate=1",
            "-Dbulwark.chaos.experiments.0.latency.delay=1ms"};
    private static final long SCRAPE_SECONDS = 60;

    @Test
    void everyMetricTheDashboardQueriesIsInARealScrapeOfTheSampleApp() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("type").asText()).as(panel.path("title").asText()).isEqualTo("prometheus");
            for (JsonNode target : panel.path("targets")) {
                String expression = target.path("expr").asText();
                Matcher metric = SELECTED_METRIC.matcher(expression);
                while (metric.find()) {
                    queried.add(metric.group(1));
                }
                Matcher name = METRIC.matcher(expression);
                while (name.find()) {
                    assertThat(queried.contains(name.group()) || LABELS.contains(name.group()))
                            .as(name.group() + " in " + expression + " is neither a selected metric nor a label").isTrue();
                }
            }
        }
        assertThat(queried).as("metrics the dashboard queries").containsAll(EVERY_INSTRUMENT);

        try (SampleAppJvm sample = SampleAppJvm.start(CHAOS)) {
            Set<String> missing = missingFrom(sample, queried);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCRAPE_SECONDS);
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                missing = missingFrom(sample, queried);
            }
            assertThat(missing).as("dashboard metrics absent from the sample's scrape:\n" + sample.scrape()).isEmpty();
        }
    }

    private static Set<String> missingFrom(SampleAppJvm sample, Set<String> metrics) throws Exception {
        Set<String> scraped = new TreeSet<>();
        for (String line : sample.scrape().split("\n")) {
            Matcher metric = METRIC.matcher(line);
            if (!line.startsWith("#") && metric.lookingAt()) {
                scraped.add(metric.group());
            }
        }
        Set<String> missing = new TreeSet<>(metrics);
        missing.removeAll(scraped);
        return missing;
    }
}
