package dev.bulwark.agent.policy.ratelimit;

import static dev.bulwark.agent.policy.ratelimit.Limiters.create;
import static dev.bulwark.agent.policy.ratelimit.Limiters.grantsNow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import org.junit.jupiter.api.Test;

class SlidingWindowLimiterTest {
    private static final long PERIOD = 1_000;

    private final RateLimiter limiter = create(RateAlgorithm.SLIDING_WINDOW, 3, PERIOD);

    @Test
    void aPermitReturnsOnePeriodAfterItWasGranted() {
        assertThat(limiter.reserve(0, 0)).isZero();
        assertThat(limiter.reserve(400, 0)).isZero();
        assertThat(limiter.reserve(800, 0)).isZero();

        assertThat(limiter.reserve(999, 0)).isNegative();
        assertThat(limiter.reserve(1_000, 0)).isZero();
        assertThat(limiter.reserve(1_399, 0)).isNegative();
        assertThat(limiter.reserve(1_400, 0)).isZero();
    }

    @Test
    void slidesInsteadOfResettingAtAlignedBoundaries() {
        assertThat(grantsNow(limiter, 999, 3)).isEqualTo(3);

        assertThat(limiter.reserve(1_000, 0)).isNegative();
        assertThat(grantsNow(limiter, 1_999, 4)).isEqualTo(3);
    }

    @Test
    void waitsUntilTheOldestGrantLeavesTheWindow() {
        limiter.reserve(0, 0);
        limiter.reserve(400, 0);
        limiter.reserve(800, 0);

        assertThat(limiter.reserve(900, 500)).isEqualTo(100);
        assertThat(limiter.reserve(900, 500)).isEqualTo(500);
        assertThat(limiter.reserve(900, 500)).isNegative();
        assertThat(limiter.reserve(900, 900)).isEqualTo(900);
    }

    @Test
    void aRejectionReservesNothing() {
        grantsNow(limiter, 0, 3);

        assertThat(limiter.reserve(500, 499)).isNegative();
        assertThat(grantsNow(limiter, 1_000, 4)).isEqualTo(3);
    }

    @Test
    void aLateClockReadingIsGrantedNoEarlierThanTheLatestGrant() {
        limiter.reserve(500, 0);

        assertThat(limiter.reserve(100, 1_000)).isEqualTo(400);
    }

    @Test
    void keepsExactCountsForASinglePermit() {
        RateLimiter single = create(RateAlgorithm.SLIDING_WINDOW, 1, PERIOD);

        assertThat(single.reserve(10, 0)).isZero();
        assertThat(single.reserve(1_009, 0)).isNegative();
        assertThat(single.reserve(500, 2_000)).isEqualTo(510);
        assertThat(single.reserve(1_010, 0)).isNegative();
        assertThat(single.reserve(2_010, 0)).isZero();
    }

    @Test
    void isRetirableOnlyOnceItsLatestGrantLeftTheWindow() {
        Retirable retirable = (Retirable) limiter;
        limiter.reserve(0, 0);
        limiter.reserve(300, 0);

        assertThat(retirable.tryRetire(1_299)).isFalse();
        assertThat(retirable.tryRetire(1_300)).isTrue();
        assertThat(limiter.reserve(1_300, 0)).isEqualTo(Retirable.RETIRED);
    }
}
