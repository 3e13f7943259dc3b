package dev.bulwark.agent.policy.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryDelayTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final DoubleSupplier NEVER_CALLED = () -> {
        throw new AssertionError("no jitter was asked for");
    };

    @Test
    void fixedWaitsTheSameDelayEveryTime() {
        assertThat(delays(Backoff.FIXED, 2.0)).containsExactly(100 * MS, 100 * MS, 100 * MS, 100 * MS, 100 * MS, 100 * MS);
    }

    @Test
    void linearGrowsByTheDelayEachTime() {
        assertThat(delays(Backoff.LINEAR, 2.0)).containsExactly(100 * MS, 200 * MS, 300 * MS, 400 * MS, 500 * MS, 600 * MS);
    }

    @Test
    void exponentialMultipliesEachTime() {
        assertThat(delays(Backoff.EXPONENTIAL, 2.0)).containsExactly(100 * MS, 200 * MS, 400 * MS, 800 * MS, 1600 * MS, 3200 * MS);
        assertThat(delays(Backoff.EXPONENTIAL, 1.5)).containsExactly(100 * MS, 150 * MS, 225 * MS, 337_500_000L, 506_250_000L, 759_375_000L);
    }

    @Test
    void fibonacciFollowsTheSequenceFromOneOne() {
        assertThat(delays(Backoff.FIBONACCI, 2.0)).containsExactly(100 * MS, 100 * MS, 200 * MS, 300 * MS, 500 * MS, 800 * MS);
    }

    @ParameterizedTest
    @EnumSource(Backoff.class)
    void everyBackoffStopsGrowingAtMaxDelay(Backoff backoff) {
        RetryPolicy policy = policy(backoff, 3.0, 250 * MS, Jitter.NONE);

        for (int n = 1; n <= 10; n++) {
            assertThat(policy.delayNanos(n, 0, NEVER_CALLED)).isLessThanOrEqualTo(250 * MS);
        }
        long expectedAtTen = backoff == Backoff.FIXED ? 100 * MS : 250 * MS;
        assertThat(policy.delayNanos(10, 0, NEVER_CALLED)).isEqualTo(expectedAtTen);
    }

    @ParameterizedTest
    @EnumSource(Backoff.class)
    void largeAttemptNumbersAndMultipliersCannotOverflow(Backoff backoff) {
        RetryPolicy policy = policy(backoff, 1e300, 10 * SECOND, Jitter.NONE);
        long expected = backoff == Backoff.FIXED ? 100 * MS : 10 * SECOND;

        assertThat(policy.delayNanos(1000, 0, NEVER_CALLED)).isEqualTo(expected);
        assertThat(policy.delayNanos(Integer.MAX_VALUE, 0, NEVER_CALLED)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Backoff.class)
    void aCapAtTheLargestNanosIsNeverExceededEither(Backoff backoff) {
        RetrySpec spec = RetrySpec.builder().backoff(backoff).jitter(Jitter.NONE).multiplier(1e300)
                .delayNanos(Long.MAX_VALUE / 2).maxDelayNanos(Long.MAX_VALUE).build();

        assertThat(new RetryPolicy(spec).delayNanos(1000, 0, NEVER_CALLED)).isPositive();
    }

    @Test
    void fullJitterIsUniformBetweenZeroAndTheDelay() {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, 10 * SECOND, Jitter.FULL);

        assertThat(policy.delayNanos(4, 0, () -> 0.0)).isZero();
        assertThat(policy.delayNanos(4, 0, () -> 0.5)).isEqualTo(400 * MS);
        assertThat(policy.delayNanos(4, 0, () -> 0.999)).isEqualTo(799_200_000L);
    }

    @Test
    void equalJitterKeepsHalfTheDelayAndRandomisesTheOtherHalf() {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, 10 * SECOND, Jitter.EQUAL);

        assertThat(policy.delayNanos(4, 0, () -> 0.0)).isEqualTo(400 * MS);
        assertThat(policy.delayNanos(4, 0, () -> 0.5)).isEqualTo(600 * MS);
        assertThat(policy.delayNanos(4, 0, () -> 0.999)).isEqualTo(799_600_000L);
    }

    @Test
    void jitterAppliesToTheCappedDelay() {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, SECOND, Jitter.FULL);

        assertThat(policy.delayNanos(20, 0, () -> 0.5)).isEqualTo(500 * MS);
    }

    @Test
    void decorrelatedJitterDrawsBetweenTheDelayAndThreeTimesThePreviousOne() {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, 10 * SECOND, Jitter.DECORRELATED);

        assertThat(policy.delayNanos(3, 300 * MS, () -> 0.0)).isEqualTo(100 * MS);
        assertThat(policy.delayNanos(3, 300 * MS, () -> 0.5)).isEqualTo(500 * MS);
        assertThat(policy.delayNanos(3, 300 * MS, () -> 0.999)).isEqualTo(899_200_000L);
    }

    @Test
    void decorrelatedJitterStartsFromTheDelayOnTheFirstRetry() {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, 10 * SECOND, Jitter.DECORRELATED);

        assertThat(policy.delayNanos(1, 0, () -> 0.5)).as("uniform in [delay, 3 delay]").isEqualTo(200 * MS);
        assertThat(policy.delayNanos(1, 0, () -> 0.0)).isEqualTo(100 * MS);
    }

    @Test
    void decorrelatedJitterIsCapped() {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, SECOND, Jitter.DECORRELATED);

        assertThat(policy.delayNanos(5, 5 * SECOND, () -> 0.999)).isEqualTo(SECOND);
    }

    @Test
    void jitteredDelaysAverageWhatTheirDistributionsPromise() {
        long d = 800 * MS;
        assertThat(mean(Jitter.FULL, 0)).isCloseTo(d / 2.0, within(0.02 * d / 2));
        assertThat(mean(Jitter.EQUAL, 0)).isCloseTo(0.75 * d, within(0.02 * 0.75 * d));
        double decorrelatedMean = (100 * MS + 3 * 300 * MS) / 2.0;
        assertThat(mean(Jitter.DECORRELATED, 300 * MS)).isCloseTo(decorrelatedMean, within(0.02 * decorrelatedMean));
    }

    /** The backoff for attempt 4 is 800 ms; DECORRELATED draws from [100 ms, 3 * previous] instead. */
    private static double mean(Jitter jitter, long previousDelayNanos) {
        RetryPolicy policy = policy(Backoff.EXPONENTIAL, 2.0, 10 * SECOND, jitter);
        Random random = new Random(42);
        int samples = 200_000;
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            sum += policy.delayNanos(4, previousDelayNanos, random::nextDouble);
        }
        return sum / samples;
    }

    private static long[] delays(Backoff backoff, double multiplier) {
        RetryPolicy policy = policy(backoff, multiplier, 10 * SECOND, Jitter.NONE);
        return IntStream.rangeClosed(1, 6).mapToLong(n -> policy.delayNanos(n, 0, NEVER_CALLED)).toArray();
    }

    private static RetryPolicy policy(Backoff backoff, double multiplier, long maxDelayNanos, Jitter jitter) {
        return new RetryPolicy(RetrySpec.builder()
                .delayNanos(100 * MS)
                .backoff(backoff)
                .multiplier(multiplier)
                .maxDelayNanos(maxDelayNanos)
                .jitter(jitter)
                .build());
    }
}
