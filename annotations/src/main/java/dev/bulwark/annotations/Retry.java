package dev.bulwark.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method again when it fails, waiting a backoff delay between attempts. The exception of the
 * last attempt reaches the caller.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Retry {
    /** Retries with the same name share one configuration; empty means the method's own. */
    String name() default "";

    /** Attempts in all, the first call included. */
    int maxAttempts() default 3;

    /** Base delay between attempts (HOCON duration). */
    String delay() default "100ms";

    Backoff backoff() default Backoff.EXPONENTIAL;

    /** Growth factor of {@link Backoff#EXPONENTIAL}. */
    double multiplier() default 2.0;

    /** Upper bound of one delay, applied before jitter (HOCON duration). */
    String maxDelay() default "10s";

    Jitter jitter() default Jitter.FULL;

    /** Upper bound of the whole loop; "0" means none (HOCON duration). */
    String maxDuration() default "0";

    /** Exceptions worth another attempt. */
    Class<? extends Throwable>[] retryOn() default {Exception.class};

    /** Exceptions that end the loop at once, even if {@link #retryOn()} matches them. */
    Class<? extends Throwable>[] abortOn() default {};

    /**
     * Where the next delay comes from instead of the backoff: {@code "#exception.getter"} (or a chain,
     * {@code "#exception.response.retryAfter"}) read from the failure, a {@code java.time.Duration} or a number of
     * milliseconds; capped at {@link #maxDelay()}. A failure without the getter, or that gives nothing above
     * zero, waits the backoff's delay. Empty: always the backoff.
     */
    String delayFrom() default "";

    /**
     * The retry budget, named under {@code bulwark.retry-budgets} in the config, that bounds this loop's retries
     * together with every other retry naming it; empty: no budget.
     */
    String budget() default "";

    /**
     * Judges a returned result a failure to retry, like an exception: the name of a method of the same class
     * taking the result and returning {@code boolean}, {@code "com.acme.Checks#isServerError"} for a static method
     * of another class, or an expression such as {@code "#result.statusCode in 500..599"}. When the attempts are
     * used up the caller receives the last result. Empty: results are never failures.
     */
    String retryOnResult() default "";
}
