package dev.bulwark.agent.policy.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.BulwarkException;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.agent.policy.ExceptionMatcher;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RetryDecisionTest {
    private static final long MS = 1_000_000L;

    @Test
    void byDefaultEveryExceptionIsRetriedButNotAnError() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().build());

        assertThat(policy.shouldRetry(IOException.class)).isTrue();
        assertThat(policy.shouldRetry(IllegalStateException.class)).isTrue();
        assertThat(policy.shouldRetry(AssertionError.class)).isFalse();
    }

    @Test
    void retryOnMatchesSubclassesOfTheTypesItNames() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().retryOn(ExceptionMatcher.of(IOException.class.getName())).build());

        assertThat(policy.shouldRetry(IOException.class)).isTrue();
        assertThat(policy.shouldRetry(FileNotFoundException.class)).isTrue();
        assertThat(policy.shouldRetry(IllegalStateException.class)).isFalse();
    }

    @Test
    void abortOnWinsOverRetryOnIncludingForSubclasses() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder()
                .abortOn(ExceptionMatcher.of(IllegalArgumentException.class.getName()))
                .build());

        assertThat(policy.shouldRetry(IllegalArgumentException.class)).isFalse();
        assertThat(policy.shouldRetry(NumberFormatException.class)).isFalse();
        assertThat(policy.shouldRetry(IllegalStateException.class)).isTrue();
    }

    @Test
    void anOpenBreakerEndsTheLoopUnderTheDefaultRetryOn() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().build());

        assertThat(policy.shouldRetry(CircuitOpenException.class)).as("Exception matches it as a type").isTrue();
        assertThat(policy.shouldRetryOpenCircuit()).as("but does not name it").isFalse();
    }

    @Test
    void anOpenBreakerIsRetriedOnlyWhenRetryOnNamesItOrItsBase() {
        assertThat(retryingOn(CircuitOpenException.class).shouldRetryOpenCircuit()).isTrue();
        assertThat(retryingOn(BulwarkException.class).shouldRetryOpenCircuit()).isTrue();
        assertThat(retryingOn(RuntimeException.class).shouldRetryOpenCircuit()).isFalse();
    }

    @Test
    void abortOnStillEndsTheLoopForAnOpenBreakerThatRetryOnNames() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder()
                .retryOn(ExceptionMatcher.of(BulwarkException.class.getName()))
                .abortOn(ExceptionMatcher.of(CircuitOpenException.class.getName()))
                .build());

        assertThat(policy.shouldRetryOpenCircuit()).isFalse();
    }

    @Test
    void withoutLimitsEveryAttemptFits() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().build());

        assertThat(policy.nextAttemptFits(Long.MAX_VALUE / 2, 0, 0, Long.MAX_VALUE)).isTrue();
    }

    @Test
    void theLoopNeverSleepsPastMaxDuration() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().maxDurationNanos(1000 * MS).build());

        assertThat(policy.nextAttemptFits(399 * MS, 600 * MS, 0, Long.MAX_VALUE)).isTrue();
        assertThat(policy.nextAttemptFits(400 * MS, 600 * MS, 0, Long.MAX_VALUE)).isFalse();
        assertThat(policy.nextAttemptFits(400 * MS, 600 * MS, 100 * MS, Long.MAX_VALUE)).as("counted from the loop's start").isTrue();
    }

    @Test
    void theLoopNeverSleepsPastTheEnclosingDeadline() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().maxDurationNanos(1000 * MS).build());

        assertThat(policy.nextAttemptFits(99 * MS, 600 * MS, 0, 700 * MS)).isTrue();
        assertThat(policy.nextAttemptFits(100 * MS, 600 * MS, 0, 700 * MS)).isFalse();
    }

    @Test
    void aMaxDurationReachingPastTheLargestNanosLeavesOnlyTheEnclosingDeadline() {
        RetryPolicy policy = new RetryPolicy(RetrySpec.builder().maxDurationNanos(Long.MAX_VALUE).build());

        assertThat(policy.nextAttemptFits(500 * MS, 10, 10, 1000 * MS)).isTrue();
        assertThat(policy.nextAttemptFits(1000 * MS, 10, 10, 1000 * MS)).isFalse();
    }

    @Test
    void exposesItsSpec() {
        RetrySpec spec = RetrySpec.builder().maxAttempts(7).build();

        assertThat(new RetryPolicy(spec).spec()).isSameAs(spec);
    }

    private static RetryPolicy retryingOn(Class<? extends Throwable> type) {
        return new RetryPolicy(RetrySpec.builder().retryOn(ExceptionMatcher.of(type.getName())).build());
    }
}
