package dev.bulwark.agent.policy.ratelimit;

import static dev.bulwark.agent.policy.ratelimit.Limiters.create;
import static dev.bulwark.agent.policy.ratelimit.Limiters.grantsNow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import org.junit.jupiter.api.Test;

class TokenBucketLimiterTest {
    private static final long PERIOD = 1_000_000_000L;
    private static final long INTERVAL = PERIOD / 5;
    private static final long T0 = 7 * PERIOD + 123;

    private final RateLimiter limiter = create(RateAlgorithm.TOKEN_BUCKET, 5, PERIOD);

    @Test
    void grantsABurstOfPermitsThenRejects() {
        assertThat(grantsNow(limiter, T0, 5)).isEqualTo(5);
        assertThat(limiter.reserve(T0, 0)).isNegative();
    }

    @Test
    void refillsOnePermitPerEmissionInterval() {
        grantsNow(limiter, T0, 5);

        assertThat(limiter.reserve(T0 + INTERVAL - 1, 0)).isNegative();
        assertThat(limiter.reserve(T0 + INTERVAL, 0)).isZero();
        assertThat(limiter.reserve(T0 + INTERVAL, 0)).isNegative();
        assertThat(grantsNow(limiter, T0 + 3 * INTERVAL, 10)).isEqualTo(2);
    }

    @Test
    void refillStopsAtTheBurstSize() {
        grantsNow(limiter, T0, 5);

        assertThat(grantsNow(limiter, T0 + 100 * PERIOD, 10)).isEqualTo(5);
    }

    @Test
    void reservesAPermitWithinTheMaximumWaitAndReturnsTheExactWait() {
        grantsNow(limiter, T0, 5);

        assertThat(limiter.reserve(T0, PERIOD)).isEqualTo(INTERVAL);
        assertThat(limiter.reserve(T0, PERIOD)).isEqualTo(2 * INTERVAL);
        assertThat(limiter.reserve(T0 + 50, PERIOD)).isEqualTo(3 * INTERVAL - 50);
    }

    @Test
    void aRejectionReservesNothing() {
        grantsNow(limiter, T0, 5);

        assertThat(limiter.reserve(T0, INTERVAL - 1)).isNegative();
        assertThat(limiter.reserve(T0, INTERVAL - 1)).isNegative();
        assertThat(limiter.reserve(T0, INTERVAL)).isEqualTo(INTERVAL);
    }

    @Test
    void roundsTheEmissionIntervalUpSoItNeverGrantsEarly() {
        RateLimiter thirds = create(RateAlgorithm.TOKEN_BUCKET, 3, PERIOD);
        grantsNow(thirds, 0, 3);

        assertThat(thirds.reserve(PERIOD / 3, 0)).isNegative();
        assertThat(thirds.reserve(PERIOD / 3 + 1, 0)).isZero();
        assertThat(grantsNow(thirds, PERIOD, 3)).isEqualTo(1);
    }

    @Test
    void worksWithNegativeClockReadings() {
        long start = -5 * PERIOD;

        assertThat(grantsNow(limiter, start, 6)).isEqualTo(5);
        assertThat(limiter.reserve(start + INTERVAL, 0)).isZero();
    }

    @Test
    void isRetirableOnlyOnceFullAgainAndThenRefusesEverything() {
        Retirable retirable = (Retirable) limiter;
        grantsNow(limiter, T0, 2);

        assertThat(retirable.tryRetire(T0 + 2 * INTERVAL - 1)).isFalse();
        assertThat(limiter.reserve(T0 + 2 * INTERVAL - 1, 0)).isZero();
        assertThat(retirable.tryRetire(T0 + 3 * INTERVAL)).isTrue();
        assertThat(limiter.reserve(T0 + 3 * INTERVAL, PERIOD)).isEqualTo(Retirable.RETIRED);
    }

    @Test
    void anUnusedLimiterIsRetirable() {
        assertThat(((Retirable) limiter).tryRetire(T0)).isTrue();
    }
}
