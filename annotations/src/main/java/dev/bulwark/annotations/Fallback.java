package dev.bulwark.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * When the protected call fails, returns what another method of the same class returns instead. That
 * method takes the same parameters, optionally followed by a {@link Throwable} that receives the failure.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Fallback {
    /** Name of the fallback method. */
    String method();

    /** Failures the fallback handles. */
    Class<? extends Throwable>[] applyOn() default {Throwable.class};

    /** Failures passed on to the caller even if {@link #applyOn()} matches them. */
    Class<? extends Throwable>[] skipOn() default {};

    /**
     * Whether a result judged a failure ({@link Retry#retryOnResult()}, {@link CircuitBreaker#recordOnResult()})
     * goes to the fallback instead of the caller; its trailing parameter, if any, then receives a
     * {@link dev.bulwark.ResultFailureException} carrying that result.
     */
    boolean applyOnResult() default false;
}
