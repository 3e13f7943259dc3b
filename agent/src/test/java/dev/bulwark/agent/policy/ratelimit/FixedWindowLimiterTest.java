package dev.bulwark.agent.policy.ratelimit;

import static dev.bulwark.agent.policy.ratelimit.Limiters.create;
import static dev.bulwark.agent.policy.ratelimit.Limiters.grantsNow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import org.junit.jupiter.api.Test;

class FixedWindowLimiterTest {
    private static final long PERIOD = 1_000;

    private final RateLimiter limiter = create(RateAlgorithm.FIXED_WINDOW, 3, PERIOD);

    @Test
    void grantsPermitsPerAlignedWindow() {
        assertThat(grantsNow(limiter, 1_500, 4)).isEqualTo(3);
        assertThat(limiter.reserve(1_999, 0)).isNegative();
        assertThat(grantsNow(limiter, 2_000, 4)).isEqualTo(3);
    }

    @Test
    void theWindowIsAlignedNotStartedByTheFirstGrant() {
        assertThat(grantsNow(limiter, 1_999, 3)).isEqualTo(3);

        assertThat(grantsNow(limiter, 2_000, 3)).isEqualTo(3);
    }

    @Test
    void reservesInTheNextWindowWithTheWaitUntilItStarts() {
        grantsNow(limiter, 1_500, 3);

        assertThat(limiter.reserve(1_500, 600)).isEqualTo(500);
        assertThat(limiter.reserve(1_700, 600)).isEqualTo(300);
        assertThat(limiter.reserve(1_700, 600)).isEqualTo(300);
        assertThat(limiter.reserve(1_700, 600)).isNegative();
        assertThat(limiter.reserve(1_700, 1_300)).isEqualTo(1_300);
        assertThat(limiter.reserve(2_000, 0)).isNegative();
    }

    @Test
    void aRejectionReservesNothing() {
        grantsNow(limiter, 1_500, 3);

        assertThat(limiter.reserve(1_500, 499)).isNegative();
        assertThat(grantsNow(limiter, 2_000, 4)).isEqualTo(3);
    }

    @Test
    void countsWindowsBelowZeroToo() {
        assertThat(grantsNow(limiter, -500, 4)).isEqualTo(3);
        assertThat(limiter.reserve(-1, 0)).isNegative();
        assertThat(limiter.reserve(0, 0)).isZero();
    }

    @Test
    void startsAfreshAfterALongIdleTime() {
        grantsNow(limiter, 0, 3);

        assertThat(grantsNow(limiter, 1_000_000_000L * PERIOD, 4)).isEqualTo(3);
    }

    @Test
    void handlesPermitCountsThatFillTheirCountBits() {
        RateLimiter seven = create(RateAlgorithm.FIXED_WINDOW, 7, PERIOD);

        assertThat(grantsNow(seven, 100, 10)).isEqualTo(7);
        assertThat(grantsNow(seven, 1_100, 10)).isEqualTo(7);
    }

    @Test
    void isRetirableOnlyOnceItsWindowIsOver() {
        Retirable retirable = (Retirable) limiter;
        limiter.reserve(1_500, 0);

        assertThat(retirable.tryRetire(1_999)).isFalse();
        assertThat(retirable.tryRetire(2_000)).isTrue();
        assertThat(limiter.reserve(2_000, 0)).isEqualTo(Retirable.RETIRED);
    }

    @Test
    void aReservationInAFutureWindowKeepsItFromRetiring() {
        grantsNow(limiter, 1_500, 3);
        limiter.reserve(1_500, 600);

        assertThat(((Retirable) limiter).tryRetire(2_500)).isFalse();
        assertThat(((Retirable) limiter).tryRetire(3_000)).isTrue();
    }
}
