package dev.bulwark.agent.policy.circuitbreaker;

import dev.bulwark.agent.policy.ExceptionMatcher;
import java.io.IOException;

/** A breaker on a manual clock, plus the calls a chain would make around one protected invocation. */
final class BreakerDriver {
    static final Class<? extends Throwable> FAILURE = IOException.class;
    static final long FAST = 1_000_000L;

    final ManualClock clock = new ManualClock();
    final RecordingListener listener = new RecordingListener();
    final CircuitBreaker breaker;

    BreakerDriver(CircuitBreakerSpec.Builder spec) {
        this.breaker = new CircuitBreaker(spec.build(), clock, listener);
    }

    static CircuitBreakerSpec.Builder spec() {
        return CircuitBreakerSpec.builder()
                .name("test")
                .recordOn(ExceptionMatcher.of("java.io.IOException"))
                .ignoreOn(ExceptionMatcher.of("java.lang.IllegalStateException"));
    }

    long acquire() {
        return breaker.tryAcquirePermission(clock.nanoTime());
    }

    /** Acquires and completes one call; false if it was rejected. */
    boolean call(Class<? extends Throwable> failureType, long durationNanos) {
        long permit = acquire();
        if (permit < 0) {
            return false;
        }
        complete(permit, failureType, durationNanos);
        return true;
    }

    void complete(long permit, Class<? extends Throwable> failureType, long durationNanos) {
        breaker.onComplete(permit, failureType, durationNanos, clock.nanoTime());
    }

    void succeed(int times) {
        for (int i = 0; i < times; i++) {
            call(null, FAST);
        }
    }

    void fail(int times) {
        for (int i = 0; i < times; i++) {
            call(FAILURE, FAST);
        }
    }

    CircuitState state() {
        return breaker.state();
    }

    CircuitBreakerMetrics metrics() {
        return breaker.metrics();
    }
}
