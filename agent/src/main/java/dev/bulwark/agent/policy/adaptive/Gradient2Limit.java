package dev.bulwark.agent.policy.adaptive;

/**
 * Follows the ratio of a long-term latency to the latest window's, the idea of Netflix concurrency-limits'
 * Gradient2: while the window is no slower than {@link #TOLERANCE} times the long-term latency the limit grows by
 * a queue allowance of its square root; when it is slower, the limit shrinks in proportion, at most by half per
 * window. Steps are smoothed, so one slow window (a GC pause) moves the limit a little, a lasting slowdown a lot.
 * The long-term latency is an exponential average over {@link #LONG_WINDOWS} windows of those within tolerance,
 * but over {@link #CONGESTED_WINDOWS} of the slower ones: were it to follow a queue that the limit itself lets
 * build up under lasting overload as fast, every window would look normal again and the limit would grow without
 * end. A dependency that became slower for good still becomes the new normal, within about a minute.
 */
final class Gradient2Limit implements LimitAlgorithm {
    /** How much slower than usual a window may be before the limit shrinks. */
    static final double TOLERANCE = 1.5;
    static final double SMOOTHING = 0.2;
    static final int LONG_WINDOWS = 50;
    static final int CONGESTED_WINDOWS = 600;
    /** Windows averaged plainly before the exponential average takes over, so the first window does not rule. */
    private static final int WARM_UP = 10;

    private double longRtt;
    private int windows;

    @Override
    public double next(double limit, SampleWindow window) {
        double shortRtt = Math.max(1L, window.averageRttNanos());
        windows++;
        if (windows <= WARM_UP) {
            longRtt += (shortRtt - longRtt) / windows;
        } else if (shortRtt > TOLERANCE * longRtt) {
            longRtt += (shortRtt - longRtt) / CONGESTED_WINDOWS;
        } else {
            longRtt += (shortRtt - longRtt) * (2.0 / (LONG_WINDOWS + 1));
        }
        // Once calls are far faster than the long-term figure says, that figure is stale: let it catch up quickly
        // so that the limit recovers in seconds.
        if (longRtt / shortRtt > 2) {
            longRtt *= 0.95;
        }
        double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * longRtt / shortRtt));
        double target = limit * gradient + Math.sqrt(limit);
        return window.noGrowthUnlessPressed(limit, limit * (1 - SMOOTHING) + target * SMOOTHING);
    }
}
