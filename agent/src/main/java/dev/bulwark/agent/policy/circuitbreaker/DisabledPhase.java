package dev.bulwark.agent.policy.circuitbreaker;

/**
 * DISABLED: every call is permitted and no outcome is recorded, so nothing can move the breaker out of it; only
 * {@link CircuitBreaker#reset()} or {@link CircuitBreaker#forceOpen()} do.
 */
final class DisabledPhase extends Phase {
    private static final WindowCounts NOTHING_RECORDED = new WindowCounts(0, 0, 0, 1);

    DisabledPhase(long generation) {
        super(generation, CircuitState.DISABLED);
    }

    @Override
    WindowCounts counts(long nowNanos) {
        return NOTHING_RECORDED;
    }
}
