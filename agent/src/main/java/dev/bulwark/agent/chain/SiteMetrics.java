package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.ratelimit.RateScope;

/**
 * What one site's chain counts, resolved once when the chain is built ({@link CallObserver#siteMetrics}), so
 * that a decision costs no look-up by name. Same rules as {@link CallObserver}: cheap, no allocation, never
 * throws. The invocation's own callbacks ({@link CallObserver#retryAttempt}, {@link CallObserver#fallback},
 * {@link CallObserver#invocationFinished}) still go to the observer, for its spans. Every count is a no-op unless
 * implemented, as for {@link CallObserver}.
 */
public interface SiteMetrics {
    /** Counts nothing. */
    SiteMetrics NONE = new SiteMetrics() {
    };

    default void retryFinished(CallObserver.RetryOutcome outcome) {
    }

    default void retryAttempt() {
    }

    default void bulkhead(boolean permitted) {
    }

    /** A bulkhead decided on a call of one of its partitions (0 when it has one). */
    default void bulkhead(boolean permitted, int partition) {
        bulkhead(permitted);
    }

    default void rateLimiter(boolean permitted) {
    }

    /** A decision of a limiter that may be shared with other JVMs, counted by where it was made. */
    default void rateLimiter(boolean permitted, RateScope scope) {
        rateLimiter(permitted);
    }

    default void timeout(Object invocation, boolean timedOut) {
    }

    default void fallback() {
    }

    /** A chaos experiment injected a delay ({@code fault} false) or a fault into an attempt. */
    default void chaosInjected(boolean fault) {
    }

    /** A recorded invocation ended after {@code durationNanos} (see {@link CallObserver#invocationFinished}). */
    default void finished(long durationNanos, boolean failed) {
    }

    /**
     * The calling thread's entry for a counted call of this site when it shares its invocation, counting what the
     * other methods here count; null where the thread has none (it counts into shared cells, or nothing is counted
     * yet), and the call then takes a frame.
     */
    default CountedEntry countedEntry() {
        return null;
    }
}
