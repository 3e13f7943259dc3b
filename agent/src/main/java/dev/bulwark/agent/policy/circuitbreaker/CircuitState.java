package dev.bulwark.agent.policy.circuitbreaker;

/** The three states of a circuit breaker; a forced open is reported as {@link #OPEN}. */
public enum CircuitState {
    CLOSED, OPEN, HALF_OPEN
}
