package dev.bulwark.agent.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.annotations.RateAlgorithm;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private static KeyedRateLimiter keyed(int permits, int maxKeys) {
        return new KeyedRateLimiter(RateLimiterSpec.builder().name("keyed").permits(permits).periodNanos(SECOND)
                .maxKeys(maxKeys).build());
    }

    private static int grantsNow(KeyedRateLimiter limiter, Object key, long now, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.reserve(key, now, 0) == 0) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void eachKeyHasItsOwnLimiter() {
        KeyedRateLimiter limiter = keyed(2, 100);

        assertThat(grantsNow(limiter, "alice", 0, 3)).isEqualTo(2);
        assertThat(grantsNow(limiter, "bob", 0, 3)).isEqualTo(2);
        assertThat(limiter.retainedKeys()).isEqualTo(2);
    }

    @Test
    void nullKeysShareOneLimiter() {
        KeyedRateLimiter limiter = keyed(2, 100);

        assertThat(grantsNow(limiter, null, 0, 1)).isEqualTo(1);
        assertThat(grantsNow(limiter, null, 0, 2)).isEqualTo(1);
        assertThat(grantsNow(limiter, "null", 0, 2)).isEqualTo(2);
    }

    @Test
    void keepsALimiterThatIsStillRefillingAndRejectsNewKeysWhileFull() {
        KeyedRateLimiter limiter = keyed(1, 1);
        limiter.reserve("first", 0, 0);

        assertThat(limiter.reserve("second", SECOND / 2, 0)).isNegative();
        assertThat(limiter.reserve("first", SECOND / 2, 0)).isNegative();
        assertThat(limiter.retainedKeys()).isEqualTo(1);
    }

    @Test
    void evictsAnIdleLimiterToMakeRoomAndAReturningKeyStartsFull() {
        KeyedRateLimiter limiter = keyed(3, 1);
        grantsNow(limiter, "first", 0, 3);

        assertThat(limiter.reserve("second", 2 * SECOND, 0)).isZero();
        assertThat(limiter.retainedKeys()).isEqualTo(1);
        assertThat(grantsNow(limiter, "first", 3 * SECOND, 4)).isEqualTo(3);
        assertThat(limiter.retainedKeys()).isEqualTo(1);
    }

    @Test
    void aClockReadingOlderThanTheLastSweepCannotReuseAnEvictedKeysPermits() {
        KeyedRateLimiter limiter = keyed(1, 2);
        limiter.reserve("first", 0, 0);
        limiter.reserve("second", 2 * SECOND, 0);

        assertThat(limiter.reserve("first", SECOND / 2, 0)).isNegative();
        assertThat(limiter.reserve("first", SECOND / 2, 2 * SECOND)).isEqualTo(2 * SECOND - SECOND / 2);
        assertThat(limiter.reserve("first", 2 * SECOND, 0)).isNegative();
    }

    @Test
    void aLimiterThatSurvivedASweepStillJudgesOlderReadingsItself() {
        KeyedRateLimiter limiter = keyed(2, 2);
        limiter.reserve("busy", 0, 0);
        limiter.reserve("quiet", 0, 0);
        limiter.reserve("busy", SECOND * 19 / 10, 0);
        limiter.reserve("new", 2 * SECOND, 0);

        assertThat(limiter.retainedKeys()).isEqualTo(2);
        assertThat(limiter.reserve("busy", SECOND * 195 / 100, 0)).isZero();
    }

    @Test
    void aFloodOfDistinctKeysAtOneInstantKeepsExistingKeysServed() {
        KeyedRateLimiter limiter = keyed(10, 1_000);

        int granted = 0;
        for (int key = 0; key < 100_000; key++) {
            granted += limiter.reserve(key, 0, 0) == 0 ? 1 : 0;
        }

        assertThat(granted).isEqualTo(1_000);
        assertThat(limiter.retainedKeys()).isEqualTo(1_000);
        assertThat(grantsNow(limiter, 0, 0, 20)).isEqualTo(9);
    }

    @Test
    void aMillionDistinctKeysRetainAtMostMaxKeysAndBoundedMemory() {
        KeyedRateLimiter limiter = new KeyedRateLimiter(RateLimiterSpec.builder().name("flood").permits(10)
                .periodNanos(SECOND).build());
        long heapBefore = usedHeapAfterGc();

        int granted = 0;
        int mostRetained = 0;
        long now = 0;
        for (int key = 0; key < 1_000_000; key++) {
            now += SECOND / 10_000;
            granted += limiter.reserve(key, now, 0) == 0 ? 1 : 0;
            mostRetained = Math.max(mostRetained, limiter.retainedKeys());
        }
        long heapGrowth = usedHeapAfterGc() - heapBefore;

        assertThat(mostRetained).isLessThanOrEqualTo(10_000);
        assertThat(granted).isEqualTo(1_000_000);
        assertThat(heapGrowth).isLessThan(32L << 20);
        assertThat(limiter.retainedKeys()).isPositive();
    }

    @Test
    void rejectsANonPositiveKeyBound() {
        assertThatThrownBy(() -> keyed(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'keyed'");
    }

    @Test
    void rejectsASpecNoLimiterCanHonour() {
        assertThatThrownBy(() -> keyed(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiters.create(Limiters.spec(RateAlgorithm.SLIDING_WINDOW, 1, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'limit'");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
