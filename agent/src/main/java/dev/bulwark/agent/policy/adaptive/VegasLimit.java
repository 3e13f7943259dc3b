package dev.bulwark.agent.policy.adaptive;

/**
 * Estimates how many calls queue, the idea of TCP Vegas and Netflix concurrency-limits' VegasLimit: with a
 * no-load latency {@code b} and a window's mean latency {@code r}, {@code limit × (1 − b/r)} calls wait rather
 * than run. Few waiting: grow; many: shrink, halfway towards the point where the queue is acceptable, so that a
 * window-by-window update still follows a sudden slowdown within a few windows. Thresholds scale with
 * {@code log10(limit)}, which lets a large limit tolerate a proportionally shorter queue.
 */
final class VegasLimit implements LimitAlgorithm {
    private final NoLoadLatency noLoad = new NoLoadLatency();

    @Override
    public double next(double limit, SampleWindow window) {
        double baseline = noLoad.update(window.minRttNanos());
        double step = Math.max(1.0, Math.log10(limit));
        if (window.dropped()) {
            return limit - Math.max(step, limit / 4);
        }
        double queue = limit * (1 - baseline / Math.max(1L, window.averageRttNanos()));
        double alpha = 3 * step;
        double beta = 6 * step;
        if (queue <= step) {
            return window.noGrowthUnlessPressed(limit, limit + beta);
        }
        if (queue < alpha) {
            return window.noGrowthUnlessPressed(limit, limit + step);
        }
        if (queue > beta) {
            return limit - Math.max(step, (queue - beta) / 2);
        }
        return limit;
    }
}
