package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The packed words of a duration series: folded before they overflow, and durations too long to pack at all. */
class DurationSeriesTest {
    private final DurationSeries series = new DurationSeries(new PolicyName("com.acme.Shop#buy", null));

    /** What a drain hands over, one entry per bucket: outcome, seconds each, how many. */
    private List<String> drain() {
        List<String> handed = new ArrayList<>();
        series.drain(Long.MAX_VALUE, (outcome, seconds, times) -> handed.add(handed(outcome, seconds, times)));
        return handed;
    }

    private static String handed(int outcome, double seconds, long times) {
        return outcome + ": " + seconds + " s x " + times;
    }

    @Test
    void moreRecordsBetweenTwoCollectionsThanAWordCountsAreAllHandedOver() {
        long records = 3L << 20;
        for (long i = 0; i < records; i++) {
            series.record(500_000L, DurationSeries.SUCCESS);
        }

        assertThat(drain()).containsExactly(handed(DurationSeries.SUCCESS, 500_000L / 1e9, records));
    }

    @Test
    void longerDurationsThanAWordSumsAreFoldedBeforeTheSumOverflows() {
        long records = 20_000;
        long nanos = 2_000_000_000L;
        for (long i = 0; i < records; i++) {
            series.record(nanos, DurationSeries.FAILURE);
        }

        assertThat(drain()).containsExactly(handed(DurationSeries.FAILURE, nanos / 1e9, records));
    }

    @Test
    void aDurationTooLongToPackIsCountedWithTheOthersOfItsBucket() {
        series.record(40_000_000_000L, DurationSeries.SUCCESS);
        series.record(50_000_000_000L, DurationSeries.SUCCESS);

        assertThat(drain()).containsExactly(handed(DurationSeries.SUCCESS, 45.0, 2));
        assertThat(drain()).isEmpty();
    }
}
