package dev.bulwark.agent.policy.adaptive;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each algorithm driven window by window on a fake clock: calls that queue shrink the limit, fast calls regrow it. */
class AdaptiveLimitTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now;

    /** Runs {@code windows} windows of 20 calls each with round trip {@code rttMs}, every window pressing the limit. */
    private void drive(AdaptiveLimit limit, int windows, long rttMs) {
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES * 2; i++) {
                limit.admitted(limit.limit());
                limit.completed(rttMs * MS, false, now);
                now += AdaptiveLimit.MIN_WINDOW_NANOS / (AdaptiveLimit.MIN_SAMPLES * 2) + 1;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LimitAlgorithmName.class)
    void theLimitDropsWhenLatencyRisesAndRecoversWhenItFalls(LimitAlgorithmName name) {
        AdaptiveLimit limit = new AdaptiveLimit(LimitAlgorithm.named(name), 20, 1, 200, now);
        drive(limit, 60, 10);
        int steady = limit.limit();
        assertThat(steady).as("%s grows while calls are fast and press the limit", name).isGreaterThan(20);

        drive(limit, 8, 100);
        int slow = limit.limit();
        assertThat(slow).as("%s after calls got ten times slower", name).isLessThan(steady * 3 / 4);

        drive(limit, 100, 10);
        assertThat(limit.limit()).as("%s once calls are fast again", name).isGreaterThan(slow * 3 / 2);
    }

    @Test
    void aWindowThatNeverPressedTheLimitDoesNotGrowIt() {
        AdaptiveLimit limit = new AdaptiveLimit(LimitAlgorithm.named(LimitAlgorithmName.GRADIENT2), 20, 1, 200, now);
        for (int i = 0; i < 1000; i++) {
            limit.admitted(2);
            limit.completed(10 * MS, false, now);
            now += MS;
        }
        assertThat(limit.limit()).isEqualTo(20);
    }

    @ParameterizedTest
    @EnumSource(LimitAlgorithmName.class)
    void staysWithinItsBounds(LimitAlgorithmName name) {
        AdaptiveLimit limit = new AdaptiveLimit(LimitAlgorithm.named(name), 8, 6, 12, now);
        drive(limit, 200, 1);
        assertThat(limit.limit()).isEqualTo(12);
        for (int i = 0; i < 200; i++) {
            limit.admitted(12);
            limit.completed(TimeUnit.SECONDS.toNanos(1) * (i + 1), true, now);
            now += AdaptiveLimit.MIN_WINDOW_NANOS;
        }
        assertThat(limit.limit()).isEqualTo(6);
    }

    @Test
    void aTimeoutShrinksAnAimdLimit() {
        AdaptiveLimit limit = new AdaptiveLimit(LimitAlgorithm.named(LimitAlgorithmName.AIMD), 100, 1, 200, now);
        for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES; i++) {
            limit.admitted(100);
            limit.completed(MS, i == 0, now);
        }
        now += AdaptiveLimit.MIN_WINDOW_NANOS;
        limit.completed(MS, false, now);
        assertThat(limit.limit()).isEqualTo(90);
    }

    @Test
    void refusesBoundsTheWrongWayRound() {
        assertThatThrownBy(() -> new AdaptiveLimit(new Gradient2Limit(), 5, 10, 9, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min-limit = 10, max-limit = 9");
    }
}
