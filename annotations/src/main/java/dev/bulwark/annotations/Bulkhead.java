package dev.bulwark.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caps how many calls run at once, so one slow dependency cannot take every thread of the service.
 * A call that finds no slot within {@link #maxWait()} fails with {@link dev.bulwark.BulkheadFullException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Bulkhead {
    /** Bulkheads with the same name share their slots; empty means the method's own. */
    String name() default "";

    int maxConcurrent() default 25;

    /** How long a caller may wait for a slot (HOCON duration). */
    String maxWait() default "0ms";

    BulkheadType type() default BulkheadType.SEMAPHORE;

    /** Calls that may wait for a thread of a {@link BulkheadType#THREAD_POOL} bulkhead. */
    int queueCapacity() default 100;

    /**
     * "" for one bulkhead; {@code "#N"} for a bulkhead per value of argument N (0-based), {@code "#N.getter"} per
     * value returned by that getter of argument N. Semaphore bulkheads only.
     */
    String key() default "";

    /**
     * Where a call's priority comes from, such as {@code "#0.priority"} (a getter chain of an argument); its
     * value picks the partition whose share of the slots the call takes. Shares come from config; empty means
     * one pool of slots.
     */
    String partitionBy() default "";
}
