package dev.bulwark.agent.policy.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DelayFromTest {
    private static final long MILLI = 1_000_000L;

    public static class Busy extends RuntimeException {
        private final Object retryAfter;

        Busy(Object retryAfter) {
            this.retryAfter = retryAfter;
        }

        public Object getRetryAfter() {
            return retryAfter;
        }

        public Busy self() {
            return this;
        }
    }

    @Test
    void theSyntaxIsHashExceptionAndAChainOfGetters() {
        assertThat(DelayFrom.isValid("")).isTrue();
        assertThat(DelayFrom.isValid("#exception.retryAfter")).isTrue();
        assertThat(DelayFrom.isValid("#exception.response.retryAfter")).isTrue();
        assertThat(DelayFrom.isValid("#exception")).isFalse();
        assertThat(DelayFrom.isValid("#result.retryAfter")).isFalse();
        assertThat(DelayFrom.isValid("#exception.retry-after")).isFalse();
        assertThat(DelayFrom.parse("")).isNull();
        assertThatThrownBy(() -> DelayFrom.parse("#0.retryAfter")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#0.retryAfter");
    }

    @Test
    void aDurationOrANumberOfMillisecondsAboveZeroIsTheDelay() {
        DelayFrom delayFrom = DelayFrom.parse("#exception.retryAfter");

        assertThat(delayFrom.delayNanos(new Busy(Duration.ofMillis(250)))).isEqualTo(250 * MILLI);
        assertThat(delayFrom.delayNanos(new Busy(1500L))).isEqualTo(1500 * MILLI);
        assertThat(delayFrom.delayNanos(new Busy(2))).isEqualTo(2 * MILLI);
        assertThat(delayFrom.delayNanos(new Busy(0.5))).isEqualTo(MILLI / 2);
        assertThat(delayFrom.delayNanos(new Busy(Duration.ZERO))).isZero();
        assertThat(delayFrom.delayNanos(new Busy(Duration.ofSeconds(-1)))).isZero();
        assertThat(delayFrom.delayNanos(new Busy(-3))).isZero();
        assertThat(delayFrom.delayNanos(new Busy(null))).isZero();
        assertThat(delayFrom.delayNanos(new Busy("2s"))).isZero();
        assertThat(delayFrom.delayNanos(new Busy(Duration.ofDays(365_000_000L)))).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aChainOfGettersIsFollowed() {
        assertThat(DelayFrom.parse("#exception.self.retryAfter").delayNanos(new Busy(Duration.ofMillis(7))))
                .isEqualTo(7 * MILLI);
    }

    @Test
    void anExceptionWithoutTheGetterAsksForNoDelay() {
        assertThat(DelayFrom.parse("#exception.retryAfter").delayNanos(new IllegalStateException())).isZero();
    }

    @Test
    void theDelayReplacesTheBackoffCappedAtMaxDelay() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().delayFrom("#exception.retryAfter")
                .maxDelayNanos(1_000 * MILLI).build());

        assertThat(policy.delayFor(new Busy(Duration.ofMillis(300)), 5 * MILLI)).isEqualTo(300 * MILLI);
        assertThat(policy.delayFor(new Busy(Duration.ofSeconds(30)), 5 * MILLI)).isEqualTo(1_000 * MILLI);
        assertThat(policy.delayFor(new IllegalStateException(), 5 * MILLI)).isEqualTo(5 * MILLI);
        assertThat(new RetryPolicy(RetrySpec.builder().build()).delayFor(new Busy(Duration.ofMillis(300)), 5 * MILLI))
                .isEqualTo(5 * MILLI);
    }
}
