package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.CallObserver;

/**
 * Makes an invocation's spans in one OpenTelemetry instance, whose instruments read Bulwark's counts. Implemented
 * by the bridge classes, which are compiled against {@code opentelemetry-api} and defined per application class
 * loader; the agent's own loader only ever sees them through this interface.
 */
public interface Recorder extends CallObserver {
    /** Where the recorder sends its data, for the start-up log. */
    String describe();
}
