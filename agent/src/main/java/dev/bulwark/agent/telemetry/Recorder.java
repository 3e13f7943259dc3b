package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;

/**
 * Records Bulwark's decisions into one OpenTelemetry instance. Implemented by the bridge classes, which are
 * compiled against {@code opentelemetry-api} and defined per application class loader; the agent's own loader
 * only ever sees them through this interface.
 */
public interface Recorder extends CallObserver, CircuitBreakerListener {
    /** Where the recorder sends its data, for the start-up log. */
    String describe();
}
