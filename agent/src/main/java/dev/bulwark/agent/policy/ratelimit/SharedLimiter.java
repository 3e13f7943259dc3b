package dev.bulwark.agent.policy.ratelimit;

/** A limiter whose permits are shared beyond this JVM, and which may have to decide without its peers. */
public interface SharedLimiter {
    /**
     * Where the latest decisions were made: {@link RateScope#CLUSTER}, or {@link RateScope#FALLBACK} while the
     * shared store cannot answer. A decision taken as the store comes back may be counted under the other one.
     */
    RateScope decidedBy();
}
