package dev.bulwark.agent.policy.timeout;

import dev.bulwark.agent.policy.NanoClock;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so; shared with the watchdog thread, hence atomic. */
final class ManualClock implements NanoClock {
    private final AtomicLong now = new AtomicLong();

    @Override
    public long nanoTime() {
        return now.get();
    }

    void advanceTo(long nanos) {
        now.set(nanos);
    }
}
