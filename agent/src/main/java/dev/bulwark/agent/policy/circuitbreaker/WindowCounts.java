package dev.bulwark.agent.policy.circuitbreaker;

/** A read-side snapshot of one window's counters; built only for metrics, never on the call path. */
final class WindowCounts {
    final long calls;
    final long failed;
    final long slow;
    private final long callsForRates;

    /** Negative transient values (see {@link PackedCounts}) are shown as 0. */
    WindowCounts(long calls, long failed, long slow, long callsForRates) {
        this.calls = Math.max(0, calls);
        this.failed = Math.max(0, failed);
        this.slow = Math.max(0, slow);
        this.callsForRates = Math.max(1, callsForRates);
    }

    float failureRate() {
        return rate(failed);
    }

    float slowCallRate() {
        return rate(slow);
    }

    private float rate(long count) {
        return calls < callsForRates ? -1f : count * 100f / calls;
    }
}
