package dev.bulwark.agent.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The COUNT ring on its own, where a breaker around it would trip: rings of a few slots make writers a lap or
 * more apart meet in the same slot on almost every call, so the order of their CASes is tested, not assumed.
 */
class CountWindowStressTest {
    private static final int THREADS = 8;
    private static final int RECORDS_PER_THREAD = 200_000;

    private final Race race = new Race(THREADS);

    @AfterEach
    void stopThreads() {
        race.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64})
    void aSmallRingHammeredFromManyThreadsKeepsTotalsEqualToItsContent(int size) throws Exception {
        hammerAndCheck(size, 20);
    }

    /** Rare failures: the window keeps going from full of successes, where successes write nothing, and back. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 1000})
    void successesThatSkipAFullWindowKeepTotalsEqualToItsContent(int size) throws Exception {
        hammerAndCheck(size, size * 20);
    }

    /** One outcome in {@code oneIn} fails and another is slow; the rest succeed. */
    private void hammerAndCheck(int size, int oneIn) throws Exception {
        CountWindow window = new CountWindow(size, new TripCondition(size, 100, 100));

        race.run(thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < RECORDS_PER_THREAD; i++) {
                int dice = random.nextInt(oneIn);
                window.recordAndCheck(dice == 0, dice == 1, 0L);
            }
        });

        assertThat(window.counts(0L).calls).isEqualTo(size);
        // A lap of successes displaces whatever the race left; totals that drifted would not come back to zero.
        for (int i = 0; i < size; i++) {
            window.recordAndCheck(false, false, 0L);
        }
        WindowCounts counts = window.counts(0L);
        assertThat(counts.calls).isEqualTo(size);
        assertThat(counts.failed).isZero();
        assertThat(counts.slow).isZero();
        window.recordAndCheck(true, true, 0L);
        assertThat(window.counts(0L).failed).isEqualTo(1);
        assertThat(window.counts(0L).slow).isEqualTo(1);
    }
}
