package dev.bulwark.agent.policy.circuitbreaker;

/**
 * The JMX view of one breaker ({@code dev.bulwark:type=CircuitBreaker,name="..."}). Only JDK types, so
 * any JMX console can read it without Bulwark's classes.
 */
public interface CircuitBreakerMBean {
    /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN} or {@code DISABLED}. */
    String getState();

    /** Percent, or -1 while the window holds fewer than {@code minimumCalls} calls. */
    float getFailureRate();

    /** Percent, or -1 while the window holds fewer than {@code minimumCalls} calls. */
    float getSlowCallRate();

    long getBufferedCalls();

    long getFailedCalls();

    long getSlowCalls();

    long getNotPermittedCalls();

    /** Holds the breaker open until {@link #reset()}. */
    void forceOpen();

    /** Lets every call through, recording none, until {@link #reset()} or {@link #forceOpen()}. */
    void disable();

    /** Closes the breaker with an empty window. */
    void reset();
}
