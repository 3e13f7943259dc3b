package dev.bulwark.agent.policy.adaptive;

/**
 * Additive increase, multiplicative decrease, as TCP does: one more slot per window while calls are no slower than
 * {@link #TOLERANCE} times the no-load latency, {@link #BACKOFF} times the limit when they are, or when one of the
 * window's calls timed out.
 */
final class AimdLimit implements LimitAlgorithm {
    static final double TOLERANCE = 2.0;
    static final double BACKOFF = 0.9;

    private final NoLoadLatency noLoad = new NoLoadLatency();

    @Override
    public double next(double limit, SampleWindow window) {
        double baseline = noLoad.update(window.minRttNanos());
        if (window.dropped() || window.averageRttNanos() > TOLERANCE * baseline) {
            return limit * BACKOFF;
        }
        return window.noGrowthUnlessPressed(limit, limit + 1);
    }
}
