package dev.bulwark.agent.policy.circuitbreaker;

/**
 * One stretch of the breaker's life in one state. Every transition installs a new phase with the next
 * generation, so counters that belong to a state (the window, the trial slots) start fresh by
 * construction, and a permit (the generation it was issued in) tells whether its outcome still
 * belongs to the current phase.
 */
abstract class Phase {
    final long generation;
    final CircuitState state;

    Phase(long generation, CircuitState state) {
        this.generation = generation;
        this.state = state;
    }

    /** What {@link CircuitBreaker#metrics()} reports while this phase is current. */
    abstract WindowCounts counts(long nowNanos);
}
