package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.policy.ratelimit.RateScope;

/**
 * The invocation object of one thread for the counted calls (metrics on, no span yet) of a site that shares its
 * invocation ({@link SiteChain#statelessEntry}): made by the site's {@link SiteMetrics}, which finds it with the
 * same cheap look-up of the calling thread that finds its metric cells, and holding those cells, so a call that
 * succeeds at once costs no frame, no thread-local look-up and one cell write per count. It holds the call's
 * start from its admission to its end; a call of the same site nested in it on the same thread (recursion) takes a
 * frame instead, and a failed attempt hands the call over to a full frame.
 */
public abstract class CountedEntry extends Invocation {
    /** The chain whose metrics made this entry; set at its first call. */
    SiteChain chain;
    long startNanos;
    /** {@link CallObserver#COUNTING} or {@link CallObserver#EVENTFUL}. */
    Object observation;
    /** Whether a call holds this entry now. */
    boolean open;

    protected CountedEntry() {
        this.stateless = true;
    }

    /** The site's rate limiter permitted the call; where it was decided, for a limiter shared with other JVMs. */
    public abstract void limiterPermitted(RateScope scope);

    /** The site's bulkhead permitted the call. */
    public abstract void bulkheadPermitted();

    /** The call succeeded at its first attempt after {@code durationNanos}: its retry's outcome and its duration. */
    public abstract void succeeded(long durationNanos);
}
