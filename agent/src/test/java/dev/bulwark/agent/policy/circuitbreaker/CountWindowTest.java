package dev.bulwark.agent.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The COUNT window keeps the last {@code size} outcomes, also across successes that found it full of successes. */
class CountWindowTest {
    private static final int SIZE = 10;

    private final CountWindow window = new CountWindow(SIZE, new TripCondition(SIZE, 50, 100));

    @Test
    void aFillingWindowCountsEverySuccess() {
        record(SIZE - 1, false);
        assertThat(window.counts(0L).calls).isEqualTo(SIZE - 1);
        window.recordAndCheck(true, false, 0L);
        assertThat(window.counts(0L).calls).isEqualTo(SIZE);
        assertThat(window.counts(0L).failed).isEqualTo(1);
    }

    @Test
    void aFailureAfterALongRunOfSuccessesLeavesAfterExactlySizeMoreCalls() {
        record(SIZE + 12_345, false);
        window.recordAndCheck(true, false, 0L);
        record(SIZE - 1, false);
        assertThat(window.counts(0L).failed).as("still among the last %d calls", SIZE).isEqualTo(1);
        window.recordAndCheck(false, false, 0L);
        assertThat(window.counts(0L).failed).isZero();
        assertThat(window.counts(0L).calls).isEqualTo(SIZE);
    }

    @Test
    void slowSuccessesAreRecordedInAWindowFullOfFastOnes() {
        record(SIZE * 3, false);
        window.recordAndCheck(false, true, 0L);
        assertThat(window.counts(0L).slow).isEqualTo(1);
        assertThat(window.counts(0L).failed).isZero();
    }

    @Test
    void tripsWhenTheFailuresReachTheRateAfterSkippedSuccesses() {
        record(SIZE * 2, false);
        for (int i = 1; i < SIZE / 2; i++) {
            assertThat(window.recordAndCheck(true, false, 0L)).as("failure %d of %d", i, SIZE).isFalse();
        }
        assertThat(window.recordAndCheck(true, false, 0L)).isTrue();
    }

    private void record(int successes, boolean slow) {
        for (int i = 0; i < successes; i++) {
            window.recordAndCheck(false, slow, 0L);
        }
    }
}
