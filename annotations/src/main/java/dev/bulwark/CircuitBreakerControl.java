package dev.bulwark;

/** An operator's handle on one circuit breaker: read its state and metrics, force it open, reset it. */
public interface CircuitBreakerControl {
    String name();

    /** {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
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

    /** Returns the breaker to CLOSED with an empty window. */
    void reset();
}
