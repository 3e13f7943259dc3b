package dev.bulwark.agent.policy.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;

/** CLOSED: every outcome goes into the window; also tracks the current run of failures. */
final class ClosedPhase extends Phase {
    private final OutcomeWindow window;
    private final int consecutiveFailuresToOpen;
    private final AtomicInteger failureRun = new AtomicInteger();

    ClosedPhase(long generation, OutcomeWindow window, int consecutiveFailuresToOpen) {
        super(generation, CircuitState.CLOSED);
        this.window = window;
        this.consecutiveFailuresToOpen = consecutiveFailuresToOpen;
    }

    /** Records a success or failure; true when the breaker should now open. */
    boolean recordAndCheck(boolean failed, boolean slow, long nowNanos) {
        boolean rateTripped = window.recordAndCheck(failed, slow, nowNanos);
        return trackFailureRun(failed) || rateTripped;
    }

    // Ignored calls never reach here: they neither extend nor break a run, so "n failures in a row"
    // means n recorded failures with no success between them, whatever was ignored in between.
    private boolean trackFailureRun(boolean failed) {
        if (consecutiveFailuresToOpen <= 0) {
            return false;
        }
        if (failed) {
            return failureRun.incrementAndGet() >= consecutiveFailuresToOpen;
        }
        // Only write when there is a run to break: steady successes then never dirty the shared line.
        if (failureRun.get() != 0) {
            failureRun.set(0);
        }
        return false;
    }

    @Override
    WindowCounts counts(long nowNanos) {
        return window.counts(nowNanos);
    }
}
