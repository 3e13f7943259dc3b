package dev.bulwark.agent.policy.circuitbreaker;

/** How the breaker classified one call; mirrors the {@code bulwark.outcome} values of its calls metric. */
public enum CallOutcome {
    SUCCESS, FAILURE, IGNORED, REJECTED
}
