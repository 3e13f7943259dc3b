package dev.bulwark.agent.chain;

/**
 * The {@link SiteMetrics} of an observer that keeps no counts of its own: passes the decisions it hears only
 * through a handle on to the observer's callbacks by name. The others reach the observer anyway.
 */
final class ForwardingMetrics implements SiteMetrics {
    private final CallObserver observer;
    private final String site;
    private final String retry;
    private final String bulkhead;
    private final String limiter;

    ForwardingMetrics(CallObserver observer, String site, String retry, String bulkhead, String limiter) {
        this.observer = observer;
        this.site = site;
        this.retry = retry;
        this.bulkhead = bulkhead;
        this.limiter = limiter;
    }

    @Override
    public void retryFinished(CallObserver.RetryOutcome outcome) {
        observer.retryFinished(retry, outcome);
    }

    @Override
    public void retryAttempt() {
    }

    @Override
    public void bulkhead(boolean permitted) {
        observer.bulkhead(bulkhead, permitted);
    }

    @Override
    public void rateLimiter(boolean permitted) {
        observer.rateLimiter(limiter, permitted);
    }

    @Override
    public void timeout(Object invocation, boolean timedOut) {
        observer.timeout(invocation, site, timedOut);
    }

    @Override
    public void fallback() {
    }

    @Override
    public void finished(long durationNanos, boolean failed) {
    }
}
