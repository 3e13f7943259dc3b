package dev.bulwark.agent.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PackedCountsTest {

    @Test
    void decodesEachCounter() {
        long packed = 7 * PackedCounts.ONE_CALL + 3 * PackedCounts.ONE_FAILED + 2 * PackedCounts.ONE_SLOW;

        assertThat(PackedCounts.calls(packed)).isEqualTo(7);
        assertThat(PackedCounts.failed(packed)).isEqualTo(3);
        assertThat(PackedCounts.slow(packed)).isEqualTo(2);
    }

    @Test
    void aCounterBelowZeroForAMomentDoesNotCorruptItsNeighbours() {
        // A slot's old failure subtracted before its writer added it: failed is -1 for a moment.
        long packed = 5 * PackedCounts.ONE_CALL + 4 * PackedCounts.ONE_SLOW - PackedCounts.ONE_FAILED;

        assertThat(PackedCounts.calls(packed)).isEqualTo(5);
        assertThat(PackedCounts.failed(packed)).isEqualTo(-1);
        assertThat(PackedCounts.slow(packed)).isEqualTo(4);
        assertThat(PackedCounts.calls(packed + PackedCounts.ONE_FAILED - 6 * PackedCounts.ONE_CALL)).isEqualTo(-1);
    }

    @Test
    void holdsTheLargestWindow() {
        long max = PackedCounts.MAX_COUNT;
        long packed = max * (PackedCounts.ONE_CALL + PackedCounts.ONE_FAILED + PackedCounts.ONE_SLOW);

        assertThat(PackedCounts.calls(packed)).isEqualTo(max);
        assertThat(PackedCounts.failed(packed)).isEqualTo(max);
        assertThat(PackedCounts.slow(packed)).isEqualTo(max);
    }
}
