package dev.bulwark.agent.policy.circuitbreaker;

import dev.bulwark.agent.policy.NanoClock;
import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when a test says so. Starts away from zero so second boundaries are not special. */
final class ManualClock implements NanoClock {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L + 123);

    @Override
    public long nanoTime() {
        return now.get();
    }

    void advanceNanos(long nanos) {
        now.addAndGet(nanos);
    }

    void advanceMillis(long millis) {
        advanceNanos(millis * 1_000_000L);
    }

    void advanceSeconds(long seconds) {
        advanceNanos(seconds * 1_000_000_000L);
    }
}
