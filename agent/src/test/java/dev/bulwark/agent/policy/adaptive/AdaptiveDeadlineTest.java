package dev.bulwark.agent.policy.adaptive;

import dev.bulwark.agent.policy.Allocations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdaptiveDeadlineTest {
    private static final long MS = 1_000_000L;
    private static final long VALUE = 2_000 * MS;
    private static final long WINDOW = 60_000 * MS;

    private final AdaptiveDeadline deadline = new AdaptiveDeadline(VALUE, 10 * MS, 99, 1.5, 100, WINDOW);
    private long now = 1_000 * MS;

    @Test
    void staysAtValueUntilMinCallsSucceededThenFollowsThePercentileTimesTheMultiplier() {
        succeed(99, 20 * MS);
        assertThat(deadline.currentNanos()).isEqualTo(VALUE);

        succeed(1, 20 * MS);
        assertThat(deadline.currentNanos()).isBetween(30 * MS, 32 * MS);
    }

    @Test
    void neverExceedsValueNorFallsBelowMin() {
        succeed(200, 1_900 * MS);
        assertThat(deadline.currentNanos()).isEqualTo(VALUE);

        AdaptiveDeadline fast = new AdaptiveDeadline(VALUE, 10 * MS, 99, 1.5, 100, WINDOW);
        for (int i = 0; i < 200; i++) {
            fast.succeeded(1_000L, now);
        }
        assertThat(fast.currentNanos()).isEqualTo(10 * MS);
    }

    @Test
    void forgetsLatenciesOlderThanTheWindow() {
        succeed(128, 400 * MS);
        assertThat(deadline.currentNanos()).isBetween(600 * MS, 640 * MS);

        now += WINDOW;
        succeed(128, 20 * MS);
        assertThat(deadline.currentNanos()).isBetween(30 * MS, 32 * MS);
    }

    @Test
    void loosensWhenAttemptsStartTimingOut() {
        succeed(128, 20 * MS);
        long tight = deadline.currentNanos();
        // The service slowed: every attempt now runs into the deadline and succeeds no more.
        for (int i = 0; i < 128; i++) {
            deadline.timedOut(tight, now);
        }
        assertThat(deadline.currentNanos()).isGreaterThanOrEqualTo((long) (tight * 1.5));
        for (int round = 0; round < 40 && deadline.currentNanos() < VALUE; round++) {
            long current = deadline.currentNanos();
            for (int i = 0; i < 64; i++) {
                deadline.timedOut(current, now);
            }
        }
        assertThat(deadline.currentNanos()).isEqualTo(VALUE);
    }

    @Test
    void recordingASuccessAllocatesNothing() {
        Runnable successes = () -> succeed(100_000, 20 * MS);
        successes.run();
        assertThat(Allocations.bytesAllocatedBy(successes)).isLessThan(10_000);
    }

    private void succeed(int calls, long latency) {
        for (int i = 0; i < calls; i++) {
            now += MS;
            deadline.succeeded(latency, now);
        }
    }
}
