package dev.bulwark.agent.policy.circuitbreaker;

/** OPEN: rejects until {@code waitInOpen} has passed since {@link #openedAtNanos}; a forced open never ends by itself. */
final class OpenPhase extends Phase {
    final long openedAtNanos;
    final boolean forced;
    /** The phase whose outcomes opened the breaker, so metrics keep showing why it is open. */
    final Phase cause;

    OpenPhase(long generation, long openedAtNanos, boolean forced, Phase cause) {
        super(generation, CircuitState.OPEN);
        this.openedAtNanos = openedAtNanos;
        this.forced = forced;
        this.cause = cause instanceof OpenPhase ? ((OpenPhase) cause).cause : cause;
    }

    /** Subtraction, not comparison of absolute values: {@code nanoTime} may wrap. */
    boolean waitOver(long nowNanos, long waitInOpenNanos) {
        return !forced && nowNanos - openedAtNanos >= waitInOpenNanos;
    }

    /** Nanoseconds from {@code nowNanos} until a trial may run; 0 when not known (forced open). */
    long untilTrial(long nowNanos, long waitInOpenNanos) {
        return forced ? 0L : Math.max(0L, waitInOpenNanos - (nowNanos - openedAtNanos));
    }

    @Override
    WindowCounts counts(long nowNanos) {
        return cause.counts(nowNanos);
    }
}
