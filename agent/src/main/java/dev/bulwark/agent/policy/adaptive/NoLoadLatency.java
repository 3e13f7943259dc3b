package dev.bulwark.agent.policy.adaptive;

/**
 * The latency of a call that did not queue: the lowest window minimum seen, drifting up by {@link #DRIFT} per
 * window, so that a dependency that became slower for good becomes the new baseline instead of holding the limit
 * at its minimum forever.
 */
final class NoLoadLatency {
    static final double DRIFT = 1.01;

    private double nanos;

    /** Takes in a window's minimum; returns the baseline. */
    double update(long windowMinNanos) {
        double seen = Math.max(1L, windowMinNanos);
        nanos = nanos == 0 || seen < nanos ? seen : nanos * DRIFT;
        return nanos;
    }
}
