package dev.bulwark.agent.policy.ratelimit;

import static dev.bulwark.agent.policy.ratelimit.Limiters.create;
import static dev.bulwark.agent.policy.ratelimit.Limiters.grantsNow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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

    /**
     * A grant claimed but not yet published must be waited for, not skipped: reading its slot early would show the
     * grant before it and let a second permit into the same period. The claimant is simulated by moving the
     * counter without publishing. The waiter gets 100 ms to decide wrongly; a correct limiter cannot decide at all
     * before the publish, so scheduling can only hide the bug, never fail a correct limiter.
     */
    @Test
    void waitsForAClaimedGrantToBePublishedBeforeDeciding() throws Exception {
        RateLimiter single = create(RateAlgorithm.SLIDING_WINDOW, 1, PERIOD);
        single.reserve(0, 0);
        AtomicLong grantsClaimed = field(single, "grantsClaimed", AtomicLong.class);
        AtomicLongArray ring = field(single, "ring", AtomicLongArray.class);
        grantsClaimed.incrementAndGet();

        CompletableFuture<Long> decision = CompletableFuture.supplyAsync(() -> single.reserve(1_500, 0));
        try {
            decision.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            // still waiting for the publish, as it must be
        }
        ring.set(1, 1_000);
        ring.set(0, 2);

        assertThat(decision.get(1, TimeUnit.MINUTES)).isNegative();
    }

    private static <T> T field(Object owner, String name, Class<T> type) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return type.cast(field.get(owner));
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
