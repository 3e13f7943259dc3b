package dev.bulwark.agent.policy.circuitbreaker;

/** Where a CLOSED breaker records outcomes. One instance per CLOSED generation, so "empty" is a fresh one. */
interface OutcomeWindow {
    /** Records one success or failure and tells whether the window now meets its trip condition. */
    boolean recordAndCheck(boolean failed, boolean slow, long nowNanos);

    WindowCounts counts(long nowNanos);
}
