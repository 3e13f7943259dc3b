package dev.bulwark.agent.policy.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HALF_OPEN: exactly {@code trialCalls} trial slots. A slot is held from admission until the trial's
 * outcome is recorded (then it stays used) or until the trial is ignored or never ran (then it is
 * freed for another caller), so admitted-and-unfinished plus recorded never exceeds {@code trialCalls}
 * and the phase always reaches a verdict once callers keep coming.
 */
final class HalfOpenPhase extends Phase {
    enum Verdict { UNDECIDED, CLOSE, REOPEN }

    private final int trialCalls;
    private final TripCondition rates;
    private final AtomicInteger slotsTaken;
    private final AtomicLong recorded = new AtomicLong();

    /** Starts with one slot taken: the call that moved the breaker here is the first trial. */
    HalfOpenPhase(long generation, int trialCalls, TripCondition rates) {
        super(generation, CircuitState.HALF_OPEN);
        this.trialCalls = trialCalls;
        this.rates = rates;
        this.slotsTaken = new AtomicInteger(1);
    }

    boolean tryTakeSlot() {
        while (true) {
            int taken = slotsTaken.get();
            if (taken >= trialCalls) {
                return false;
            }
            if (slotsTaken.compareAndSet(taken, taken + 1)) {
                return true;
            }
        }
    }

    void freeSlot() {
        slotsTaken.decrementAndGet();
    }

    /**
     * Rates are judged over all {@code trialCalls} trials. The verdict REOPEN comes early, as soon as the
     * failures (or slow calls) recorded so far reach the threshold of the full trial count, because no
     * later success can bring the rate back below it; CLOSE waits for every trial.
     */
    Verdict record(boolean failed, boolean slow) {
        long counts = recorded.addAndGet(PackedCounts.of(failed, slow));
        if (rates.ratesReached(trialCalls, PackedCounts.failed(counts), PackedCounts.slow(counts))) {
            return Verdict.REOPEN;
        }
        return PackedCounts.calls(counts) >= trialCalls ? Verdict.CLOSE : Verdict.UNDECIDED;
    }

    @Override
    WindowCounts counts(long nowNanos) {
        long counts = recorded.get();
        return new WindowCounts(PackedCounts.calls(counts), PackedCounts.failed(counts), PackedCounts.slow(counts), 1);
    }
}
