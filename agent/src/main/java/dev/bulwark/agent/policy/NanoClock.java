package dev.bulwark.agent.policy;

/** A monotonic clock in nanoseconds; injected into every policy so tests can drive time instead of sleeping. */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();

    /**
     * The exact time on this clock's scale. A clock that trails the exact one ({@link MillisecondClock}) reads the
     * exact clock here; it is for the rare decision that a stale reading would get wrong.
     */
    default long exactNanoTime() {
        return nanoTime();
    }
}
