package dev.bulwark.agent.telemetry.otel;

import io.opentelemetry.api.common.Attributes;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Attributes built once per policy name: each name maps to the attribute sets of all the values its
 * instrument records (one per outcome, say), so recording reuses an existing {@link Attributes} and does not
 * allocate.
 */
final class NamedAttributes {
    private final ConcurrentHashMap<String, Attributes[]> byName = new ConcurrentHashMap<>();
    private final Function<String, Attributes[]> build;

    NamedAttributes(Function<String, Attributes[]> build) {
        this.build = build;
    }

    Attributes[] of(String name) {
        Attributes[] attributes = byName.get(name);
        return attributes != null ? attributes : byName.computeIfAbsent(name, build);
    }
}
