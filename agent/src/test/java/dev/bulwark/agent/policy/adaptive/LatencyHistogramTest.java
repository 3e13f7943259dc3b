package dev.bulwark.agent.policy.adaptive;

import dev.bulwark.agent.policy.Allocations;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    @Test
    void everyValueFallsInABucketWhoseUpperEdgeIsWithinASixteenthAboveIt() {
        Random random = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            long value = (long) Math.pow(2, random.nextDouble() * 40);
            long edge = LatencyHistogram.upperEdge(LatencyHistogram.bucketOf(value));
            assertThat(edge).isGreaterThanOrEqualTo(value);
            assertThat(edge - value).isLessThanOrEqualTo(value / 16);
        }
        assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.bucketOf(-5)).isZero();
    }

    @Test
    void percentilesAreThoseOfTheRecordedValuesWithinTheBucketWidth() {
        Random random = new Random(7);
        LatencyHistogram histogram = new LatencyHistogram();
        long[] values = new long[50_000];
        for (int i = 0; i < values.length; i++) {
            // Log-normal around 5 ms: the shape of a service's latency, with a long tail.
            values[i] = (long) (5_000_000 * Math.exp(random.nextGaussian() * 0.8));
            histogram.record(values[i]);
        }
        Arrays.sort(values);
        for (double percentile : new double[]{50, 90, 95, 99, 99.9}) {
            long exact = values[(int) Math.ceil(values.length * percentile / 100) - 1];
            assertThat(histogram.percentile(percentile))
                    .as("p" + percentile)
                    .isBetween(exact, exact + exact / 16);
        }
        assertThat(histogram.count()).isEqualTo(values.length);
    }

    @Test
    void anEmptyHistogramHasNoPercentile() {
        assertThat(new LatencyHistogram().percentile(99)).isEqualTo(-1);
    }

    @Test
    void rotatingTwiceForgetsWhatWasRecordedBeforeBoth() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(1_000_000_000L);
        histogram.rotate(false);
        histogram.record(1_000L);
        assertThat(histogram.percentile(100)).isGreaterThanOrEqualTo(1_000_000_000L);

        histogram.rotate(false);
        assertThat(histogram.percentile(100)).isBetween(1_000L, 1_100L);
        histogram.rotate(true);
        assertThat(histogram.count()).isZero();
    }

    @Test
    void concurrentRecordsAreAllCounted() throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        int threads = 4;
        int each = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long value = 1_000L << t;
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    histogram.record(value);
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(histogram.count()).isEqualTo((long) threads * each);
        assertThat(histogram.percentile(25)).isBetween(1_000L, 1_063L);
        assertThat(histogram.percentile(100)).isBetween(8_000L, 8_500L);
    }

    @Test
    void recordingAllocatesNothing() {
        LatencyHistogram histogram = new LatencyHistogram();
        Runnable records = () -> {
            for (int i = 0; i < 100_000; i++) {
                histogram.record(i * 1_000L);
            }
        };
        records.run();
        assertThat(Allocations.bytesAllocatedBy(records)).isLessThan(1_000);
    }
}
