package dev.bulwark.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds how long a call may run. The method keeps running on the caller's thread; at the deadline
 * that thread is interrupted and the caller receives {@link dev.bulwark.TimeoutExceededException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timeout {
    /** HOCON duration. */
    String value() default "1s";

    /** Whether the caller's thread is interrupted at the deadline. */
    boolean interrupt() default true;

    /**
     * Whether the deadline follows the latency of recent successful calls, {@code value} being its cap (config
     * {@code timeout.adaptive.enabled}; the percentile, multiplier, floor, warm-up and window are config only).
     */
    boolean adaptive() default false;
}
