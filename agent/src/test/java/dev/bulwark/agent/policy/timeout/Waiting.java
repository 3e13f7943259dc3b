package dev.bulwark.agent.policy.timeout;

import java.util.concurrent.locks.LockSupport;

/**
 * Waits for an event without a time bound: the tests' {@code @Timeout} is the only limit, so a slow machine
 * makes a test slower, never red.
 */
final class Waiting {
    private static final long POLL_NANOS = 100_000L;

    private Waiting() {
    }

    /** Parking returns at once on an interrupted thread, so this also notices the interrupt promptly. */
    static void untilInterrupted() {
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    static void untilState(Thread thread, Thread.State state) {
        while (thread.getState() != state) {
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
