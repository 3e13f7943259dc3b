package dev.bulwark;

/** An operator's handle on one circuit breaker: read its state and metrics, force it open, disable it, reset it. */
public interface CircuitBreakerControl {
    String name();

    /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN} or {@code DISABLED}. */
    String state();

    /** Failure rate of the current window in percent, or -1 while fewer than {@code minimumCalls} are recorded. */
    float failureRate();

    /** Slow-call rate of the current window in percent, or -1 while fewer than {@code minimumCalls} are recorded. */
    float slowCallRate();

    long bufferedCalls();

    long failedCalls();

    long slowCalls();

    /** Calls rejected since the breaker was created. */
    long notPermittedCalls();

    /** Holds the breaker OPEN, rejecting every call, until {@link #reset()}. */
    void forceOpen();

    /**
     * Lets every call through and records none, so the breaker cannot open, until {@link #reset()} or
     * {@link #forceOpen()}: for a dependency known to be healthy while the breaker misjudges it.
     */
    void disable();

    /** Returns the breaker to CLOSED with an empty window. */
    void reset();
}
