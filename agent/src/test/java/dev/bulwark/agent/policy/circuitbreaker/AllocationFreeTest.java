package dev.bulwark.agent.policy.circuitbreaker;

import dev.bulwark.agent.policy.Allocations;

import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.FAILURE;
import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.FAST;
import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.annotations.WindowType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AllocationFreeTest {
    private static final int WARM_UP_CALLS = 300_000;
    private static final int MEASURED_CALLS = 100_000;

    @ParameterizedTest
    @EnumSource(WindowType.class)
    void successfulCallsAllocateNothing(WindowType windowType) {
        CircuitBreaker breaker = breaker(windowType);

        long bytes = allocatedBytesDuring(() -> runCalls(breaker, false));

        assertThat(bytes).as("bytes allocated by %d calls", MEASURED_CALLS).isLessThan(MEASURED_CALLS);
    }

    @ParameterizedTest
    @EnumSource(WindowType.class)
    void failingCallsAllocateNothingEither(WindowType windowType) {
        CircuitBreaker breaker = breaker(windowType);

        long bytes = allocatedBytesDuring(() -> runCalls(breaker, true));

        assertThat(bytes).as("bytes allocated by %d calls", MEASURED_CALLS).isLessThan(MEASURED_CALLS);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    private static CircuitBreaker breaker(WindowType windowType) {
        // Half the calls fail against a 100% threshold: recorded, but never opening.
        return new CircuitBreaker(spec().windowType(windowType).windowSize(100).failureRateThreshold(100).build(),
                NanoClock.SYSTEM, CircuitBreakerListener.NOOP);
    }

    private static void runCalls(CircuitBreaker breaker, boolean everyOtherFails) {
        long now = 5_000_000_000L;
        for (int i = 0; i < MEASURED_CALLS; i++) {
            long permit = breaker.tryAcquirePermission(now);
            breaker.onComplete(permit, everyOtherFails && (i & 1) == 0 ? FAILURE : null, FAST, now);
        }
    }

    private static long allocatedBytesDuring(Runnable calls) {
        for (int i = 0; i < WARM_UP_CALLS / MEASURED_CALLS; i++) {
            calls.run();
        }
        return Allocations.bytesAllocatedBy(calls);
    }
}
