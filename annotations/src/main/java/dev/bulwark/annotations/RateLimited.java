package dev.bulwark.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Grants at most {@link #permits()} calls per {@link #period()}. A call that gets no permit within
 * {@link #maxWait()} fails with {@link dev.bulwark.RateLimitedException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RateLimited {
    /** Limiters with the same name share their permits; empty means the method's own. */
    String name() default "";

    int permits() default 100;

    /** HOCON duration. */
    String period() default "1s";

    RateAlgorithm algorithm() default RateAlgorithm.TOKEN_BUCKET;

    /** How long a caller may wait for a permit (HOCON duration). */
    String maxWait() default "0ms";

    /**
     * "" for one limiter; {@code "#N"} for a limiter per value of argument N (0-based);
     * {@code "#N.getter"} for a limiter per value returned by that getter of argument N.
     */
    String key() default "";

    /** {@link Scope#CLUSTER} shares the permits with every JVM using this limiter's name on the same Redis. */
    Scope scope() default Scope.LOCAL;
}
