package dev.bulwark.benchmarks;

import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Scope;

/**
 * A method whose limiter is shared through Redis, in a class of its own: only {@link ClusterBenchmarks} loads it,
 * so no other benchmark starts the Redis client. The limit never runs out, so every call is one decision in Redis.
 */
public class ClusterService {
    @RateLimited(name = "bench-cluster", permits = WovenService.PERMITS, scope = Scope.CLUSTER)
    public String limited(int i) {
        return Work.work(i);
    }

    /** The same limit under a name of its own, for the fork that runs in batch mode. */
    @RateLimited(name = "bench-cluster-batch", permits = WovenService.PERMITS, scope = Scope.CLUSTER)
    public String limitedInBatches(int i) {
        return Work.work(i);
    }
}
