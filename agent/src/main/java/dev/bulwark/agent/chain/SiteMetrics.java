package dev.bulwark.agent.chain;

/**
 * What one site's chain counts, resolved once when the chain is built ({@link CallObserver#siteMetrics}), so
 * that a decision costs no look-up by name. Same rules as {@link CallObserver}: cheap, no allocation, never
 * throws. The invocation's own callbacks ({@link CallObserver#retryAttempt}, {@link CallObserver#fallback},
 * {@link CallObserver#invocationFinished}) still go to the observer, for its spans.
 */
public interface SiteMetrics {
    /** Counts nothing. */
    SiteMetrics NONE = new SiteMetrics() {
        @Override
        public void retryFinished(CallObserver.RetryOutcome outcome) {
        }

        @Override
        public void retryAttempt() {
        }

        @Override
        public void bulkhead(boolean permitted) {
        }

        @Override
        public void rateLimiter(boolean permitted) {
        }

        @Override
        public void timeout(Object invocation, boolean timedOut) {
        }

        @Override
        public void fallback() {
        }

        @Override
        public void finished(long durationNanos, boolean failed) {
        }
    };

    void retryFinished(CallObserver.RetryOutcome outcome);

    void retryAttempt();

    void bulkhead(boolean permitted);

    void rateLimiter(boolean permitted);

    void timeout(Object invocation, boolean timedOut);

    void fallback();

    /** A recorded invocation ended after {@code durationNanos} (see {@link CallObserver#invocationFinished}). */
    void finished(long durationNanos, boolean failed);
}
