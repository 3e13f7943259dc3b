package dev.bulwark.agent.policy.circuitbreaker;

/**
 * The states of a circuit breaker; a forced open is reported as {@link #OPEN}. {@link #DISABLED} is an operator's
 * choice, never reached by outcomes: every call runs, none is recorded, until the operator resets or forces it open.
 */
public enum CircuitState {
    CLOSED, OPEN, HALF_OPEN, DISABLED
}
