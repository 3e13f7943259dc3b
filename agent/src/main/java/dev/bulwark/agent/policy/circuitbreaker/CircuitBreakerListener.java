package dev.bulwark.agent.policy.circuitbreaker;

/**
 * Telemetry hooks. Called on the caller's thread after the breaker's state is already updated, so a
 * listener observes decisions and cannot change them; it must be cheap and allocation-free on
 * {@link #onOutcome}, which runs on every protected call.
 */
public interface CircuitBreakerListener {
    CircuitBreakerListener NOOP = new CircuitBreakerListener() {
    };

    /**
     * The listener of the breaker {@code name}, which may hold what it records into; called once per breaker.
     *
     * @param scope the label of the class loader whose classes alone share the breaker, or null when it is shared
     *              JVM-wide or that loader lives as long as the JVM
     */
    default CircuitBreakerListener forBreaker(String name, String scope) {
        return this;
    }

    /** Told exactly once per transition, by the thread whose CAS won it. */
    default void onTransition(String name, CircuitState from, CircuitState to) {
    }

    default void onOutcome(String name, CallOutcome outcome) {
    }
}
