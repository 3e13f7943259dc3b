package dev.bulwark.agent.cluster;

/** The Lua scripts of cluster scope, read from the agent jar once. */
final class Scripts {
    final RedisScript tokenBucket = RedisScript.load("token-bucket.lua");
    final RedisScript fixedWindow = RedisScript.load("fixed-window.lua");
    final RedisScript slidingWindow = RedisScript.load("sliding-window.lua");
    final RedisScript retryBudget = RedisScript.load("retry-budget.lua");
}
