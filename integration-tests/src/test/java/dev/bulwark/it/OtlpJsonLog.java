package dev.bulwark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the OpenTelemetry Java agent's {@code logging-otlp} exporters printed: one OTLP JSON document per log
 * line, after the exporter's class name.
 */
final class OtlpJsonLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPAN_EXPORTER = "OtlpJsonLoggingSpanExporter - ";
    private static final String METRIC_EXPORTER = "OtlpJsonLoggingMetricExporter - ";

    private final List<JsonNode> spanScopes = new ArrayList<>();
    private final List<JsonNode> metricScopes = new ArrayList<>();

    OtlpJsonLog(String log) {
        for (String line : log.split("\n")) {
            collect(line, SPAN_EXPORTER, "scopeSpans", spanScopes);
            collect(line, METRIC_EXPORTER, "scopeMetrics", metricScopes);
        }
    }

    private static void collect(String line, String exporter, String field, List<JsonNode> into) {
        int at = line.indexOf(exporter);
        if (at >= 0) {
            try {
                JSON.readTree(line.substring(at + exporter.length())).path(field).forEach(into::add);
            } catch (IOException e) {
                throw new UncheckedIOException("not OTLP JSON: " + line, e);
            }
        }
    }

    /** Every exported span of the instrumentation scope, in export order. */
    List<JsonNode> spans(String scope) {
        List<JsonNode> spans = new ArrayList<>();
        for (JsonNode scopeSpans : spanScopes) {
            if (scope.equals(scopeSpans.path("scope").path("name").asText())) {
                scopeSpans.path("spans").forEach(spans::add);
            }
        }
        return spans;
    }

    /** The last export of each metric of the scope, by name. */
    Map<String, JsonNode> metrics(String scope) {
        Map<String, JsonNode> metrics = new LinkedHashMap<>();
        for (JsonNode scopeMetrics : metricScopes) {
            if (scope.equals(scopeMetrics.path("scope").path("name").asText())) {
                scopeMetrics.path("metrics").forEach(metric -> metrics.put(metric.path("name").asText(), metric));
            }
        }
        return metrics;
    }

    /** The version of the scope as the exporter saw it, or null when it exported nothing of that scope. */
    String scopeVersion(String scope) {
        for (JsonNode scopeMetrics : metricScopes) {
            if (scope.equals(scopeMetrics.path("scope").path("name").asText())) {
                return scopeMetrics.path("scope").path("version").asText();
            }
        }
        return null;
    }

    static String attribute(JsonNode node, String key) {
        for (JsonNode attribute : node.path("attributes")) {
            if (key.equals(attribute.path("key").asText())) {
                JsonNode value = attribute.path("value");
                return value.has("stringValue") ? value.get("stringValue").asText() : value.elements().next().asText();
            }
        }
        return null;
    }
}
