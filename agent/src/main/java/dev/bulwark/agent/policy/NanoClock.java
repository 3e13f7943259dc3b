package dev.bulwark.agent.policy;

/** A monotonic clock in nanoseconds; injected into every policy so tests can drive time instead of sleeping. */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
