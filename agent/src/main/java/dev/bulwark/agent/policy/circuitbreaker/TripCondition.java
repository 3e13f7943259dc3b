package dev.bulwark.agent.policy.circuitbreaker;

/**
 * The rate rule that opens a breaker: enough calls, and a failure or slow-call rate at or above its threshold.
 * Compared in integers ({@code failed * 100 >= threshold * calls}) so "exactly the threshold" is exact.
 */
final class TripCondition {
    final int minimumCalls;
    private final long failureRatePercent;
    private final long slowCallRatePercent;

    TripCondition(int minimumCalls, int failureRatePercent, int slowCallRatePercent) {
        this.minimumCalls = Math.max(1, minimumCalls);
        this.failureRatePercent = failureRatePercent;
        this.slowCallRatePercent = slowCallRatePercent;
    }

    boolean isMet(long calls, long failed, long slow) {
        return calls >= minimumCalls && ratesReached(calls, failed, slow);
    }

    // Three small methods rather than one expression: each stays under the JIT's limit for inlining a call
    // site it has not yet seen hot, as the trip check is while a window fills up.
    boolean ratesReached(long calls, long failed, long slow) {
        return failureRateReached(calls, failed) || slowRateReached(calls, slow);
    }

    private boolean failureRateReached(long calls, long failed) {
        return failed * 100 >= failureRatePercent * calls;
    }

    private boolean slowRateReached(long calls, long slow) {
        return slow * 100 >= slowCallRatePercent * calls;
    }
}
