package dev.bulwark.agent.policy.adaptive;

/**
 * Turns what one sample window saw into the next concurrency limit. Called by one thread at a time (the one that
 * closed the window), so an algorithm keeps its state in plain fields.
 */
public interface LimitAlgorithm {
    /**
     * @param limit   the limit in force during the window
     * @param window  what the window saw; valid only during this call
     * @return the next limit, before it is clamped to the bulkhead's minimum and maximum
     */
    double next(double limit, SampleWindow window);

    /** The algorithm named in config ({@code limit-algorithm}); a fresh instance per bulkhead. */
    static LimitAlgorithm named(LimitAlgorithmName name) {
        switch (name) {
            case VEGAS:
                return new VegasLimit();
            case AIMD:
                return new AimdLimit();
            case GRADIENT2:
            default:
                return new Gradient2Limit();
        }
    }
}
