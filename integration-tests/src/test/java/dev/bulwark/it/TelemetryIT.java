package dev.bulwark.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.it.app.telemetry.NoApiScenarios;
import dev.bulwark.it.app.telemetry.SdkScenarios;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Telemetry (docs/telemetry.md) from outside: Bulwark's metrics and spans reach the SDK the application
 * registers, the OpenTelemetry Java agent's SDK (attached before or after Bulwark, with or without an application
 * API), and nothing at all when neither exists.
 */
class TelemetryIT {
    private static final String SITE = "dev.bulwark.it.app.telemetry.Workload#";
    private static final Path OTEL_AGENT = Paths.get(System.getProperty("bulwark.it.otel.agent.jar",
            "target/otel/opentelemetry-javaagent.jar")).toAbsolutePath();
    private static final List<String> INSTRUMENTS = List.of("bulwark.circuit_breaker.calls",
            "bulwark.circuit_breaker.state", "bulwark.circuit_breaker.transitions", "bulwark.retry.calls",
            "bulwark.retry.attempts", "bulwark.bulkhead.calls", "bulwark.bulkhead.active", "bulwark.bulkhead.limit",
            "bulwark.rate_limiter.calls", "bulwark.timeout.calls", "bulwark.fallback.calls", "bulwark.call.duration");
    /** One span per protected invocation of the workload. */
    private static final int WORKLOAD_INVOCATIONS = 13;

    @Test
    void everyInstrumentRecordsIntoTheApplicationsSdk() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().run(SdkScenarios.class, "workload");
        assertWorkloadOutcomes(result);
        assertThat(result.get("scope")).isEqualTo("dev.bulwark@0.1.0-SNAPSHOT");
        assertThat(result.get("unit bulwark.call.duration")).isEqualTo("s");

        assertThat(metric(result, "bulwark.circuit_breaker.calls", "bulwark.name:telemetry-breaker,bulwark.outcome:failure")).isEqualTo("2");
        assertThat(metric(result, "bulwark.circuit_breaker.calls", "bulwark.name:telemetry-breaker,bulwark.outcome:rejected")).isEqualTo("1");
        assertThat(metric(result, "bulwark.circuit_breaker.state", "bulwark.name:telemetry-breaker,bulwark.state:open")).isEqualTo("1");
        assertThat(metric(result, "bulwark.circuit_breaker.state", "bulwark.name:telemetry-breaker,bulwark.state:closed")).isEqualTo("0");
        assertThat(metric(result, "bulwark.circuit_breaker.state", "bulwark.name:telemetry-breaker,bulwark.state:half_open")).isEqualTo("0");
        assertThat(metric(result, "bulwark.circuit_breaker.transitions",
                "bulwark.from:closed,bulwark.name:telemetry-breaker,bulwark.to:open")).isEqualTo("1");
        assertThat(metric(result, "bulwark.retry.calls", "bulwark.name:" + SITE + "flaky,bulwark.outcome:success_after_retry")).isEqualTo("1");
        assertThat(metric(result, "bulwark.retry.calls", "bulwark.name:" + SITE + "broken,bulwark.outcome:exhausted")).isEqualTo("1");
        assertThat(metric(result, "bulwark.retry.calls", "bulwark.name:" + SITE + "outer,bulwark.outcome:success")).isEqualTo("1");
        assertThat(metric(result, "bulwark.retry.attempts", "bulwark.name:" + SITE + "flaky")).isEqualTo("2");
        assertThat(metric(result, "bulwark.retry.attempts", "bulwark.name:" + SITE + "broken")).isEqualTo("1");
        assertThat(metric(result, "bulwark.bulkhead.calls", "bulwark.name:telemetry-bulkhead,bulwark.outcome:permitted")).isEqualTo("1");
        assertThat(metric(result, "bulwark.bulkhead.calls", "bulwark.name:telemetry-bulkhead,bulwark.outcome:rejected")).isEqualTo("1");
        assertThat(metric(result, "bulwark.bulkhead.active", "bulwark.name:telemetry-bulkhead")).isEqualTo("0");
        assertThat(metric(result, "bulwark.rate_limiter.calls", "bulwark.name:telemetry-limiter,bulwark.outcome:permitted,bulwark.scope:local")).isEqualTo("1");
        assertThat(metric(result, "bulwark.timeout.calls", "bulwark.name:" + SITE + "slow,bulwark.outcome:timed_out")).isEqualTo("1");
        assertThat(metric(result, "bulwark.timeout.calls", "bulwark.name:" + SITE + "fast,bulwark.outcome:completed")).isEqualTo("1");
        assertThat(metric(result, "bulwark.fallback.calls", "bulwark.name:" + SITE + "withFallback")).isEqualTo("1");
        assertThat(metric(result, "bulwark.call.duration", "bulwark.name:" + SITE + "flaky,bulwark.outcome:success")).isEqualTo("1");
        assertThat(metric(result, "bulwark.call.duration", "bulwark.name:" + SITE + "broken,bulwark.outcome:failure")).isEqualTo("1");
        assertThat(metric(result, "bulwark.call.duration", "bulwark.name:" + SITE + "withFallback,bulwark.outcome:success")).isEqualTo("1");

        Map<String, List<String>> spans = spansByName(result);
        assertThat(result.getInt("spans")).isEqualTo(WORKLOAD_INVOCATIONS);
        assertThat(spans.get("Workload.flaky")).containsExactly(
                "-|INTERNAL|UNSET|dev.bulwark|bulwark.retry{bulwark.attempt=2},bulwark.retry{bulwark.attempt=3}");
        assertThat(spans.get("Workload.broken")).singleElement().asString()
                .startsWith("-|INTERNAL|ERROR|dev.bulwark|bulwark.retry{bulwark.attempt=2},exception{");
        assertThat(spans.get("Workload.guarded")).hasSize(3)
                .contains("-|INTERNAL|ERROR|dev.bulwark|bulwark.rejected{bulwark.name=telemetry-breaker,bulwark.policy=circuit_breaker}");
        assertThat(spans.get("Workload.slow")).containsExactly(
                "-|INTERNAL|ERROR|dev.bulwark|bulwark.timeout{bulwark.name=" + SITE + "slow,bulwark.policy=timeout}");
        assertThat(spans.get("Workload.withFallback")).containsExactly("-|INTERNAL|UNSET|dev.bulwark|bulwark.fallback");
        assertThat(spans.get("Workload.occupy")).contains(
                "-|INTERNAL|ERROR|dev.bulwark|bulwark.rejected{bulwark.name=telemetry-bulkhead,bulwark.policy=bulkhead}");
        assertThat(spans.get("Workload.inner")).containsExactly("Workload.outer|INTERNAL|UNSET|dev.bulwark|");
        assertThat(result.stderr()).contains("[bulwark] INFO telemetry: metrics and spans go to the application's GlobalOpenTelemetry")
                .doesNotContain("ERROR");
    }

    @Test
    void aRetryBudgetsRefusalIsCountedAndItsBalanceIsAGauge() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                .option("-Dbulwark.retry-budgets.telemetry-budget.ratio=0.5",
                        "-Dbulwark.retry-budgets.telemetry-budget.min-per-second=0")
                .run(SdkScenarios.class, "budget");

        assertThat(result.get("refused")).isEqualTo("threw:IllegalStateException:always fails");
        String retry = "bulwark.name:dev.bulwark.it.app.telemetry.BudgetWorkload#refused";
        assertThat(metric(result, "bulwark.retry.calls", retry + ",bulwark.outcome:budget_exhausted")).isEqualTo("1");
        // One first attempt deposited half a token, and no retry took one.
        assertThat(metric(result, "bulwark.retry_budget.balance", "bulwark.name:telemetry-budget")).isEqualTo("0.5");
    }

    @Test
    void anAdaptiveTimeoutsGaugeTightensAfterWarmUpAndNeverExceedsTheValueAndKeyedBreakersReportPerKey()
            throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                // A p90 leaves out the first call, which may be slow, from the twenty-one calls of warm-up.
                .option("-Dbulwark.defaults.timeout.adaptive.min-calls=20",
                        "-Dbulwark.defaults.timeout.adaptive.percentile=90", "-Dscenario.warmUp=20")
                .run(SdkScenarios.class, "adaptive");

        assertThat(result.get("timeoutBefore")).isEqualTo("0.2");
        // Calls that complete at once: 1.5 times their p99 is below the floor, min = 10ms.
        assertThat(result.get("timeoutWarm")).isEqualTo("0.01");
        // Rounds of calls that time out raise the p99, by 1.5 each, up to the value and no further.
        assertThat(result.get("timeoutLoosened")).isEqualTo("0.2");
        assertThat(result.get("unit bulwark.timeout.current")).isEqualTo("s");

        assertThat(result.get("down")).isEqualTo("threw:IllegalStateException:down is down");
        assertThat(result.get("up")).isEqualTo("returned:served by up");
        assertThat(metric(result, "bulwark.circuit_breaker.state", "bulwark.name:telemetry-keyed[down],bulwark.state:open"))
                .isEqualTo("1");
        assertThat(metric(result, "bulwark.circuit_breaker.state", "bulwark.name:telemetry-keyed[up],bulwark.state:closed"))
                .isEqualTo("1");
        assertThat(metric(result, "bulwark.circuit_breaker.calls", "bulwark.name:telemetry-keyed[down],bulwark.outcome:failure"))
                .isEqualTo("1");
    }

    @Test
    void spansOffStartsNoSpanAndMetricsGoOn() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().option("-Dbulwark.otel.spans=false")
                .run(SdkScenarios.class, "workload");
        assertWorkloadOutcomes(result);
        assertThat(result.getInt("spans")).isZero();
        assertThat(metric(result, "bulwark.retry.attempts", "bulwark.name:" + SITE + "flaky")).isEqualTo("2");
        assertThat(result.stderr()).contains("[bulwark] INFO telemetry: metrics go to");
    }

    @Test
    void eventfulSpansCoverOnlyTheInvocationsThatRetriedWereRejectedFellBackTimedOutOrFailed() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().option("-Dbulwark.otel.spans=eventful")
                .run(SdkScenarios.class, "workload");
        assertWorkloadOutcomes(result);
        assertThat(metric(result, "bulwark.retry.attempts", "bulwark.name:" + SITE + "flaky")).isEqualTo("2");

        Map<String, List<String>> spans = spansByName(result);
        assertThat(spans.get("Workload.flaky")).containsExactly(
                "-|INTERNAL|UNSET|dev.bulwark|bulwark.retry{bulwark.attempt=2},bulwark.retry{bulwark.attempt=3}");
        assertThat(spans.get("Workload.broken")).singleElement().asString()
                .startsWith("-|INTERNAL|ERROR|dev.bulwark|bulwark.retry{bulwark.attempt=2},exception{");
        assertThat(spans.get("Workload.slow")).containsExactly(
                "-|INTERNAL|ERROR|dev.bulwark|bulwark.timeout{bulwark.name=" + SITE + "slow,bulwark.policy=timeout}");
        assertThat(spans.get("Workload.withFallback")).containsExactly("-|INTERNAL|UNSET|dev.bulwark|bulwark.fallback");
        assertThat(spans.get("Workload.guarded"))
                .contains("-|INTERNAL|ERROR|dev.bulwark|bulwark.rejected{bulwark.name=telemetry-breaker,bulwark.policy=circuit_breaker}");
        assertThat(spans).doesNotContainKeys("Workload.outer", "Workload.inner", "Workload.fast");
        assertThat(result.stderr()).contains("[bulwark] INFO telemetry: metrics and eventful spans go to");
    }

    @Test
    void metricsOffRecordsNoMetricAndSpansGoOn() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().option("-Dbulwark.otel.metrics=false")
                .run(SdkScenarios.class, "workload");
        assertWorkloadOutcomes(result);
        assertThat(result.stdout()).doesNotContain("@@ metric ");
        assertThat(result.getInt("spans")).isEqualTo(WORKLOAD_INVOCATIONS);
    }

    @Test
    void protectedCallsBeforeTheApplicationRegistersItsSdkNeitherBlockItNorLoseLaterCalls() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().run(SdkScenarios.class, "registeredAfterFirstCalls");
        // buildAndRegisterGlobal() would have thrown had the early call frozen GlobalOpenTelemetry to a no-op.
        assertThat(result.get("early")).isEqualTo("returned:in time");
        assertThat(result.getBoolean("spansRecorded")).isTrue();
    }

    @Test
    void withNeitherSdkNorAgentNothingIsRecordedAndNothingFails() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().run(NoApiScenarios.class, "workload");
        assertWorkloadOutcomes(result);
        assertThat(result.stderr()).doesNotContain("telemetry").doesNotContain("ERROR").doesNotContain("Exception");
    }

    @Test
    void withAnApiButNoSdkNothingIsRecordedAndNothingFails() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().run(NoApiScenarios.class, "workload");
        assertWorkloadOutcomes(result);
        assertThat(result.stderr()).doesNotContain("telemetry").doesNotContain("ERROR").doesNotContain("Exception");
    }

    @Test
    void openTelemetryAgentFirstReceivesEverythingWithoutAnApplicationApi() throws Exception {
        assertJavaAgentReceivesEverything(withOpenTelemetryAgent(AgentJvm.withAgent(), true)
                .run(NoApiScenarios.class, "workload"));
    }

    @Test
    void openTelemetryAgentSecondReceivesEverythingWithoutAnApplicationApi() throws Exception {
        assertJavaAgentReceivesEverything(withOpenTelemetryAgent(AgentJvm.withAgent(), false)
                .run(NoApiScenarios.class, "workload"));
    }

    @Test
    void openTelemetryAgentReceivesEverythingThroughTheApplicationsApi() throws Exception {
        assertJavaAgentReceivesEverything(withOpenTelemetryAgent(AgentJvm.withAgent().withTestClassPath(), true)
                .run(NoApiScenarios.class, "workload"));
    }

    private static AgentJvm withOpenTelemetryAgent(AgentJvm jvm, boolean first) {
        assertTrue(Files.isRegularFile(OTEL_AGENT), "the OpenTelemetry Java agent is not resolved: " + OTEL_AGENT);
        String javaagent = "-javaagent:" + OTEL_AGENT;
        if (first) {
            jvm.optionBeforeAgent(javaagent);
        } else {
            jvm.option(javaagent);
        }
        return jvm.option("-Dotel.traces.exporter=logging-otlp", "-Dotel.metrics.exporter=logging-otlp",
                "-Dotel.logs.exporter=none", "-Dotel.metric.export.interval=1000", "-Dotel.bsp.schedule.delay=200",
                "-Dotel.instrumentation.runtime-telemetry.enabled=false");
    }

    private static void assertJavaAgentReceivesEverything(ScenarioResult result) {
        assertWorkloadOutcomes(result);
        assertThat(result.stderr()).contains("[bulwark] INFO telemetry: metrics and spans go to the OpenTelemetry Java agent's SDK")
                .doesNotContain("cannot bridge");
        OtlpJsonLog log = new OtlpJsonLog(result.stderr());

        assertThat(log.metrics("dev.bulwark").keySet()).containsExactlyInAnyOrderElementsOf(INSTRUMENTS);
        assertThat(log.scopeVersion("dev.bulwark")).isEqualTo("0.1.0-SNAPSHOT");

        List<JsonNode> spans = log.spans("dev.bulwark");
        assertThat(spans).hasSize(WORKLOAD_INVOCATIONS);
        JsonNode flaky = only(spans, "Workload.flaky");
        assertThat(events(flaky)).containsExactly("bulwark.retry#2", "bulwark.retry#3");
        assertThat(flaky.path("kind").asInt()).isEqualTo(1); // SPAN_KIND_INTERNAL
        assertThat(flaky.path("status").path("code").asInt()).isNotEqualTo(2);
        JsonNode broken = only(spans, "Workload.broken");
        assertThat(events(broken)).startsWith("bulwark.retry#2");
        assertThat(broken.path("status").path("code").asInt()).isEqualTo(2); // STATUS_CODE_ERROR
        assertThat(events(only(spans, "Workload.slow"))).contains("bulwark.timeout");
        assertThat(events(only(spans, "Workload.withFallback"))).containsExactly("bulwark.fallback");
        assertThat(only(spans, "Workload.inner").path("parentSpanId").asText())
                .isEqualTo(only(spans, "Workload.outer").path("spanId").asText());
    }

    private static void assertWorkloadOutcomes(ScenarioResult result) {
        assertThat(result.get("flaky")).isEqualTo("returned:ok");
        assertThat(result.get("broken")).isEqualTo("threw:IllegalStateException:always broken");
        assertThat(result.get("breaker3")).startsWith("threw:CircuitOpenException");
        assertThat(result.get("slow")).startsWith("threw:TimeoutExceededException");
        assertThat(result.get("withFallback")).isEqualTo("returned:cached");
        assertThat(result.get("outer")).isEqualTo("returned:outer(inner)");
        assertThat(result.get("bulkheadFull")).startsWith("threw:BulkheadFullException");
    }

    private static String metric(ScenarioResult result, String name, String attributes) {
        return result.get("metric " + name + "{" + attributes + "}");
    }

    /** Each span reported by the scenario, without its name: parent|kind|status|scope|events. */
    private static Map<String, List<String>> spansByName(ScenarioResult result) {
        List<String> spans = new ArrayList<>();
        for (int i = 0; i < result.getInt("spans"); i++) {
            spans.add(result.get("span " + i));
        }
        return spans.stream().collect(Collectors.groupingBy(s -> s.substring(0, s.indexOf('|')),
                Collectors.mapping(s -> s.substring(s.indexOf('|') + 1), Collectors.toList())));
    }

    private static JsonNode only(List<JsonNode> spans, String name) {
        List<JsonNode> named = spans.stream().filter(s -> name.equals(s.path("name").asText())).collect(Collectors.toList());
        assertThat(named).as("spans named " + name).hasSize(1);
        return named.get(0);
    }

    private static List<String> events(JsonNode span) {
        List<String> events = new ArrayList<>();
        for (JsonNode event : span.path("events")) {
            String attempt = OtlpJsonLog.attribute(event, "bulwark.attempt");
            events.add(event.path("name").asText() + (attempt == null ? "" : "#" + attempt));
        }
        return events;
    }
}
