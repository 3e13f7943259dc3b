package dev.bulwark.agent.policy.circuitbreaker;

/**
 * A snapshot of one breaker. Rates are percentages, or -1 while the window holds fewer than
 * {@code minimumCalls} calls. While OPEN it shows the window (or the trials) that opened the breaker;
 * while HALF_OPEN, the trial outcomes recorded so far.
 */
public final class CircuitBreakerMetrics {
    private final CircuitState state;
    private final float failureRate;
    private final float slowCallRate;
    private final long bufferedCalls;
    private final long failedCalls;
    private final long slowCalls;
    private final long notPermittedCalls;

    CircuitBreakerMetrics(CircuitState state, WindowCounts counts, long notPermittedCalls) {
        this.state = state;
        this.failureRate = counts.failureRate();
        this.slowCallRate = counts.slowCallRate();
        this.bufferedCalls = counts.calls;
        this.failedCalls = counts.failed;
        this.slowCalls = counts.slow;
        this.notPermittedCalls = notPermittedCalls;
    }

    public CircuitState state() {
        return state;
    }

    public float failureRate() {
        return failureRate;
    }

    public float slowCallRate() {
        return slowCallRate;
    }

    public long bufferedCalls() {
        return bufferedCalls;
    }

    public long failedCalls() {
        return failedCalls;
    }

    public long slowCalls() {
        return slowCalls;
    }

    /** Rejected calls since the breaker was created; not cleared by transitions or {@code reset()}. */
    public long notPermittedCalls() {
        return notPermittedCalls;
    }

    @Override
    public String toString() {
        return "CircuitBreakerMetrics{state=" + state
                + ", failureRate=" + failureRate
                + ", slowCallRate=" + slowCallRate
                + ", bufferedCalls=" + bufferedCalls
                + ", failedCalls=" + failedCalls
                + ", slowCalls=" + slowCalls
                + ", notPermittedCalls=" + notPermittedCalls
                + "}";
    }
}
