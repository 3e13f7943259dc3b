package dev.bulwark.agent.policy.adaptive;

/** What one window of completed calls saw; filled by {@link AdaptiveLimit} and read by a {@link LimitAlgorithm}. */
public final class SampleWindow {
    long averageRttNanos;
    long minRttNanos;
    int maxInFlight;
    int samples;
    boolean dropped;

    /** The mean round trip of the window's calls. */
    public long averageRttNanos() {
        return averageRttNanos;
    }

    /** The fastest round trip of the window. */
    public long minRttNanos() {
        return minRttNanos;
    }

    /** The most calls that were in flight at once when one of the window's calls was admitted. */
    public int maxInFlight() {
        return maxInFlight;
    }

    public int samples() {
        return samples;
    }

    /** Whether a call of the window ran past its timeout: the plainest sign of overload. */
    public boolean dropped() {
        return dropped;
    }

    /**
     * Whether the caller, not the limit, held the window's concurrency down; a limit no call pressed against
     * says nothing about whether it could be higher, though slower calls still say it should be lower.
     */
    public boolean applicationLimited(double limit) {
        return maxInFlight * 2 < limit;
    }

    /** {@code next}, but never above {@code limit} when the window did not press the limit. */
    double noGrowthUnlessPressed(double limit, double next) {
        return applicationLimited(limit) ? Math.min(limit, next) : next;
    }

    /** Sets every value, for tests of an algorithm. */
    public static SampleWindow of(long averageRttNanos, long minRttNanos, int maxInFlight, int samples, boolean dropped) {
        SampleWindow window = new SampleWindow();
        window.averageRttNanos = averageRttNanos;
        window.minRttNanos = minRttNanos;
        window.maxInFlight = maxInFlight;
        window.samples = samples;
        window.dropped = dropped;
        return window;
    }
}
