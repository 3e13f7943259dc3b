package dev.bulwark.agent.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.bulwark.agent.policy.NanoClock;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CircuitBreakerSpecCheckTest {

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                invalid("failureRateThreshold", b -> b.failureRateThreshold(0)),
                invalid("failureRateThreshold", b -> b.failureRateThreshold(101)),
                invalid("slowCallRateThreshold", b -> b.slowCallRateThreshold(0)),
                invalid("slowCallDuration", b -> b.slowCallDurationNanos(0)),
                invalid("windowSize", b -> b.windowSize(0)),
                invalid("windowSize", b -> b.windowSize(CircuitBreaker.MAX_WINDOW_SIZE + 1)),
                invalid("minimumCalls", b -> b.minimumCalls(-1)),
                invalid("consecutiveFailures", b -> b.consecutiveFailures(-1)),
                invalid("waitInOpen", b -> b.waitInOpenNanos(-1)),
                invalid("halfOpenCalls", b -> b.halfOpenCalls(0)),
                invalid("recordOn", b -> b.recordOn(null)));
    }

    private static Arguments invalid(String key, UnaryOperator<CircuitBreakerSpec.Builder> change) {
        return Arguments.of(key, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void rejectsAValueOutsideItsRangeNamingTheKey(String key, UnaryOperator<CircuitBreakerSpec.Builder> change) {
        CircuitBreakerSpec spec = change.apply(CircuitBreakerSpec.builder()).build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new CircuitBreaker(spec, NanoClock.SYSTEM, CircuitBreakerListener.NOOP))
                .withMessageContaining(key);
    }

    @Test
    void acceptsTheSpecDefaults() {
        assertThatCode(() -> new CircuitBreaker(CircuitBreakerSpec.builder().build(), NanoClock.SYSTEM, CircuitBreakerListener.NOOP))
                .doesNotThrowAnyException();
    }
}
