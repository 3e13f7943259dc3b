package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.PolicyName;
import io.opentelemetry.api.common.Attributes;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Attributes built once per policy name in its scope: each maps to the attribute sets of all the values its
 * instrument records (one per outcome, say), so recording reuses an existing {@link Attributes} and does not
 * allocate.
 */
final class NamedAttributes {
    private final ConcurrentHashMap<PolicyName, Attributes[]> byName = new ConcurrentHashMap<>();
    private final Function<PolicyName, Attributes[]> build;

    NamedAttributes(Function<PolicyName, Attributes[]> build) {
        this.build = build;
    }

    Attributes[] of(PolicyName name) {
        Attributes[] attributes = byName.get(name);
        return attributes != null ? attributes : byName.computeIfAbsent(name, build);
    }
}
