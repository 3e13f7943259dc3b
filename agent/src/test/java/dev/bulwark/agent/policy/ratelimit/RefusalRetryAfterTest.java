package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.annotations.RateAlgorithm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A limiter's refusal tells how long until it would grant a permit: the Retry-After of RateLimitedException. */
class RefusalRetryAfterTest {
    private static final long PERIOD = 1_000_000_000L;
    private static final long START = 5 * PERIOD;

    @Test
    void aTokenBucketTellsWhenItsNextTokenArrives() {
        RateLimiter limiter = Limiters.create(RateAlgorithm.TOKEN_BUCKET, 4, PERIOD);
        assertThat(Limiters.grantsNow(limiter, START, 4)).isEqualTo(4);

        long refusal = limiter.reserve(START + 100, 0);
        assertThat(refusal).isNegative();
        assertThat(RateLimiter.retryAfterNanos(refusal)).isEqualTo(PERIOD / 4 - 100);
    }

    @Test
    void aFixedWindowTellsWhenTheNextWindowBegins() {
        RateLimiter limiter = Limiters.create(RateAlgorithm.FIXED_WINDOW, 2, PERIOD);
        assertThat(Limiters.grantsNow(limiter, START + 300, 2)).isEqualTo(2);

        long refusal = limiter.reserve(START + 400, 0);
        assertThat(RateLimiter.retryAfterNanos(refusal)).isEqualTo(PERIOD - 400);
    }

    @Test
    void aSlidingWindowTellsWhenItsOldestGrantLeavesTheWindow() {
        RateLimiter limiter = Limiters.create(RateAlgorithm.SLIDING_WINDOW, 2, PERIOD);
        assertThat(limiter.reserve(START, 0)).isZero();
        assertThat(limiter.reserve(START + 200, 0)).isZero();

        long refusal = limiter.reserve(START + 500, 0);
        assertThat(RateLimiter.retryAfterNanos(refusal)).isEqualTo(PERIOD - 500);
    }

    @Test
    void aRefusalWithinTheMaximumWaitIsAReservationNotARefusal() {
        RateLimiter limiter = Limiters.create(RateAlgorithm.TOKEN_BUCKET, 1, PERIOD);
        assertThat(limiter.reserve(START, 0)).isZero();

        assertThat(limiter.reserve(START, PERIOD)).isEqualTo(PERIOD);
        assertThat(RateLimiter.retryAfterNanos(limiter.reserve(START, PERIOD))).isEqualTo(2 * PERIOD);
    }

    @Test
    void anUnknownWaitAndAGrantTellNothing() {
        assertThat(RateLimiter.retryAfterNanos(RateLimiter.REJECTED)).isZero();
        assertThat(RateLimiter.retryAfterNanos(0)).isZero();
        assertThat(RateLimiter.retryAfterNanos(PERIOD)).isZero();
        assertThat(RateLimiter.retryAfterNanos(Long.MIN_VALUE)).isZero();
    }
}
