package dev.bulwark.agent.policy.circuitbreaker;

/**
 * The rate rule of SPEC §4: enough calls, and a failure or slow-call rate at or above its threshold.
 * Compared in integers ({@code failed * 100 >= threshold * calls}) so "exactly the threshold" is exact.
 */
final class TripCondition {
    final int minimumCalls;
    private final int failureRatePercent;
    private final int slowCallRatePercent;

    TripCondition(int minimumCalls, int failureRatePercent, int slowCallRatePercent) {
        this.minimumCalls = Math.max(1, minimumCalls);
        this.failureRatePercent = failureRatePercent;
        this.slowCallRatePercent = slowCallRatePercent;
    }

    boolean isMet(long calls, long failed, long slow) {
        return calls >= minimumCalls && ratesReached(calls, failed, slow);
    }

    boolean ratesReached(long calls, long failed, long slow) {
        return failed * 100 >= (long) failureRatePercent * calls || slow * 100 >= (long) slowCallRatePercent * calls;
    }
}
