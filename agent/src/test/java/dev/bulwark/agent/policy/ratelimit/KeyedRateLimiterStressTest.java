package dev.bulwark.agent.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Six keys take turns being busy while only three limiters may be retained, so limiters are swept and recreated
 * all the time, concurrently with reservations on them. Each key must still stay within its envelope, and
 * still be served. One round takes milliseconds, so a preempted thread spans many periods of the virtual clock:
 * the rounds are repeated to meet the rare interleavings (a limiter created and retired between another caller's
 * miss and its insert; callers holding room while they wait for each other).
 */
class KeyedRateLimiterStressTest {
    private static final int THREADS = 8;
    private static final int KEYS = 6;
    private static final int MAX_KEYS = 3;
    private static final int PERMITS = 20;
    private static final long PERIOD = 4_000_000;
    private static final long STEP = PERIOD / (PERMITS * 64);
    private static final long START = 10 * PERIOD;
    private static final int ROUNDS = 40;

    @ParameterizedTest
    @EnumSource(RateAlgorithm.class)
    void eachKeyStaysWithinItsEnvelopeWhileLimitersAreEvicted(RateAlgorithm algorithm) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            hammerOneLimiter(algorithm);
        }
    }

    private static void hammerOneLimiter(RateAlgorithm algorithm) throws Exception {
        KeyedRateLimiter limiter = new KeyedRateLimiter(RateLimiterSpec.builder().name("keyed").algorithm(algorithm)
                .permits(PERMITS).periodNanos(PERIOD).maxKeys(MAX_KEYS).build());
        AtomicLong clock = new AtomicLong(START);
        AtomicInteger mostRetained = new AtomicInteger();
        long end = START + 60 * PERIOD;

        long[] keyedTimes = RateLimiterStressTest.hammer(THREADS, thread -> {
            List<Long> granted = new ArrayList<>();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long now = clock.addAndGet(STEP); now < end; now = clock.addAndGet(STEP)) {
                int key = (int) ((now / PERIOD + random.nextInt(2)) % KEYS);
                long maxWait = random.nextInt(4) == 0 ? PERIOD / 2 : 0;
                long wait = limiter.reserve(key, now, maxWait);
                mostRetained.accumulateAndGet(limiter.retainedKeys(), Math::max);
                if (wait > maxWait) {
                    throw new AssertionError("waited " + wait + " beyond " + maxWait);
                }
                if (wait >= 0) {
                    granted.add(encode(key, now + wait));
                }
            }
            return granted;
        });

        assertThat(mostRetained.get()).isLessThanOrEqualTo(MAX_KEYS);
        for (int key = 0; key < KEYS; key++) {
            long[] times = timesOf(keyedTimes, key);
            assertThat(times).as("grants of key %d", key).hasSizeGreaterThan(5 * PERMITS);
            RateLimiterStressTest.assertWithinEnvelope(algorithm, times, PERMITS, PERIOD);
        }
    }

    /** Packs the key into the low bits so one sorted array carries both; times stay far below 2^59. */
    private static long encode(int key, long time) {
        return (time << 3) | key;
    }

    private static long[] timesOf(long[] encoded, int key) {
        return Arrays.stream(encoded).filter(e -> (e & 7) == key).map(e -> e >> 3).toArray();
    }
}
