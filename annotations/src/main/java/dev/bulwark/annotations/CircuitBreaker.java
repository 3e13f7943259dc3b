package dev.bulwark.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stops calling a failing dependency: after enough failures (or slow calls) the breaker opens and
 * rejects calls with {@link dev.bulwark.CircuitOpenException} until {@link #waitInOpen()} has passed,
 * then lets {@link #halfOpenCalls()} trial calls decide whether it closes again.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface CircuitBreaker {
    /** Breakers with the same name share one state; empty means the method's own ({@code com.acme.Foo#bar}). */
    String name() default "";

    /** Failure rate, in percent, at which the breaker opens. */
    int failureRateThreshold() default 50;

    /** Slow-call rate, in percent, at which the breaker opens. */
    int slowCallRateThreshold() default 100;

    /** A call that takes at least this long counts as slow (HOCON duration). */
    String slowCallDuration() default "60s";

    WindowType windowType() default WindowType.COUNT;

    /** Calls in a COUNT window, seconds in a TIME window. */
    int windowSize() default 100;

    /** Calls the window must hold before any rate is evaluated. */
    int minimumCalls() default 20;

    /** When above 0, the breaker also opens after this many failures in a row. */
    int consecutiveFailures() default 0;

    /** How long the breaker stays open before trial calls are let through (HOCON duration). */
    String waitInOpen() default "30s";

    /** Trial calls allowed in HALF_OPEN. */
    int halfOpenCalls() default 5;

    /** Exceptions that count as failures. */
    Class<? extends Throwable>[] recordOn() default {Exception.class};

    /** Exceptions that count neither as failures nor as successes. */
    Class<? extends Throwable>[] ignoreOn() default {};

    /**
     * "" for one breaker; {@code "#N"} for a breaker per value of argument N (0-based), {@code "#N.getter"} per
     * value returned by that getter of argument N (a breaker per host or tenant), each named {@code name[value]}.
     */
    String key() default "";

    /**
     * Judges a returned result a failure the breaker records, whatever {@link #recordOn()} says: a method
     * reference or an expression, as {@link Retry#retryOnResult()} takes. Empty: results are never failures.
     */
    String recordOnResult() default "";
}
