package dev.bulwark.agent.config;

import dev.bulwark.agent.policy.expression.Condition;

import java.lang.invoke.MethodHandle;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One entry of {@code bulwark.chaos.experiments}: the methods it matches (as an {@code instrument} entry does), an
 * optional {@code when} over their arguments, and what it injects into a call: a delay, a fault, or either, each
 * with its own probability. The fault's exception class and its (String) constructor were found when the config
 * loaded.
 */
public final class ChaosExperiment {
    private final String describe;
    private final InstrumentRule matcher;
    private final Condition when;
    private final double latencyRate;
    private final long delayNanos;
    private final double faultRate;
    private final String exception;
    private final MethodHandle exceptionConstructor;
    private final String message;
    private final OptionalLong seed;

    ChaosExperiment(String describe, InstrumentRule matcher, Condition when, double latencyRate, long delayNanos,
                    double faultRate, String exception, MethodHandle exceptionConstructor, String message,
                    OptionalLong seed) {
        this.describe = describe;
        this.matcher = matcher;
        this.when = when;
        this.latencyRate = latencyRate;
        this.delayNanos = delayNanos;
        this.faultRate = faultRate;
        this.exception = exception;
        this.exceptionConstructor = exceptionConstructor;
        this.message = message;
        this.seed = seed;
    }

    /** {@code bulwark.chaos.seed}: part of the experiment, so that a reload changing it draws anew. */
    public OptionalLong seed() {
        return seed;
    }

    public boolean matches(String className, String methodName) {
        return matcher.matchesClass(className) && matcher.matchesMethod(methodName);
    }

    boolean matchesClass(String className) {
        return matcher.matchesClass(className);
    }

    String methodGlob() {
        return matcher.methodGlob();
    }

    String classGlob() {
        return matcher.classGlob();
    }

    /** The condition on the arguments; null when the experiment applies to every call. */
    public Condition when() {
        return when;
    }

    /** The probability that a call is delayed; 0 without a {@code latency} block. */
    public double latencyRate() {
        return latencyRate;
    }

    public long delayNanos() {
        return delayNanos;
    }

    /** The probability that a call fails with the exception; 0 without a {@code fault} block. */
    public double faultRate() {
        return faultRate;
    }

    /** The fault's exception class name; null without a {@code fault} block. */
    public String exception() {
        return exception;
    }

    public String message() {
        return message;
    }

    /** A new exception of the configured class, with the configured message. */
    public Throwable newFault() {
        try {
            return (Throwable) exceptionConstructor.invoke(message);
        } catch (Throwable constructorFailed) {
            // Its constructor threw: what the call sees is still a failure of that call, as the experiment wants.
            return constructorFailed;
        }
    }

    /** {@code bulwark.chaos.experiments[0] { class = "...", method = "..." }}, for logs and the admin endpoint. */
    public String describe() {
        return describe;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ChaosExperiment)) {
            return false;
        }
        ChaosExperiment that = (ChaosExperiment) o;
        return describe.equals(that.describe) && Objects.equals(String.valueOf(when), String.valueOf(that.when))
                && latencyRate == that.latencyRate && delayNanos == that.delayNanos && faultRate == that.faultRate
                && Objects.equals(exception, that.exception) && Objects.equals(message, that.message)
                && seed.equals(that.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(describe, latencyRate, delayNanos, faultRate, exception, message);
    }

    @Override
    public String toString() {
        return describe;
    }
}
