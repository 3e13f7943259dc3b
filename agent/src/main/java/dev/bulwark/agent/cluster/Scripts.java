package dev.bulwark.agent.cluster;

/** The Lua scripts of cluster scope, read from the agent jar once. */
final class Scripts {
    final RedisScript tokenBucket = RedisScript.load("token-bucket.lua");
    final RedisScript fixedWindow = RedisScript.load("fixed-window.lua");
    final RedisScript slidingWindow = RedisScript.load("sliding-window.lua");
    final RedisScript retryBudget = RedisScript.load("retry-budget.lua");
    final RedisScript leaseTokenBucket = RedisScript.load("lease-token-bucket.lua");
    final RedisScript leaseFixedWindow = RedisScript.load("lease-fixed-window.lua");
    final RedisScript leaseSlidingWindow = RedisScript.load("lease-sliding-window.lua");

    /** Every script, to load into Redis up front; batch mode's only when it is on. */
    RedisScript[] all(boolean batch) {
        return batch ? new RedisScript[] {tokenBucket, fixedWindow, slidingWindow, retryBudget, leaseTokenBucket,
            leaseFixedWindow, leaseSlidingWindow}
            : new RedisScript[] {tokenBucket, fixedWindow, slidingWindow, retryBudget};
    }
}
