package dev.bulwark.agent.policy.circuitbreaker;

import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.FAILURE;
import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.FAST;
import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.WindowType;
import org.junit.jupiter.api.Test;

class ClosedStateTest {

    @Test
    void opensOnceExactlyMinimumCallsAreRecordedNotBefore() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(4).failureRateThreshold(50).windowSize(10));

        d.fail(3);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(d.metrics().failureRate()).isEqualTo(-1f);

        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
        assertThat(d.listener.transitions()).containsExactly("CLOSED->OPEN");
    }

    @Test
    void opensAtExactlyTheFailureRateThreshold() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(4).failureRateThreshold(50).windowSize(4));

        d.succeed(2);
        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        d.fail(1);

        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void staysClosedJustBelowTheFailureRateThreshold() {
        // 1 of 4 is 25% against a 26% threshold; 26% needs more than 1 failure of 4.
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(4).failureRateThreshold(26).windowSize(4));

        d.succeed(3);
        d.fail(1);

        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(d.metrics().failureRate()).isEqualTo(25f);
    }

    @Test
    void aCallOfExactlySlowCallDurationIsSlow() {
        long slowCallDuration = 2_000_000_000L;
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(2).windowSize(2)
                .slowCallDurationNanos(slowCallDuration).slowCallRateThreshold(100));

        d.call(null, slowCallDuration - 1);
        d.call(null, slowCallDuration);
        assertThat(d.metrics().slowCalls()).isEqualTo(1);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);

        d.call(null, slowCallDuration);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
        assertThat(d.listener.outcomes(CallOutcome.SUCCESS)).isEqualTo(3);
    }

    @Test
    void slowCallRateOpensAtItsThresholdEvenWhenEveryCallSucceeds() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(4).windowSize(4)
                .slowCallDurationNanos(100).slowCallRateThreshold(50));

        d.call(null, 100);
        d.succeed(2);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        d.call(null, 100);

        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void consecutiveFailuresOpenBeforeMinimumCalls() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(100).consecutiveFailures(3));

        d.fail(2);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        d.fail(1);

        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void aSuccessBreaksTheRunOfFailures() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(100).consecutiveFailures(3));

        d.fail(2);
        d.succeed(1);
        d.fail(2);

        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void anIgnoredCallNeitherBreaksNorExtendsTheRunOfFailures() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(100).consecutiveFailures(3));

        d.fail(2);
        d.call(IllegalStateException.class, FAST);
        d.call(IllegalStateException.class, FAST);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);

        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void consecutiveFailuresZeroIsOff() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(100).windowSize(100).consecutiveFailures(0));

        d.fail(99);

        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void classifiesIgnoredRecordedAndOtherThrowables() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(100).windowSize(100));

        d.call(IllegalStateException.class, FAST);       // ignoreOn
        d.call(java.io.FileNotFoundException.class, FAST); // subtype of recordOn
        d.call(IllegalArgumentException.class, FAST);    // matches neither: a success
        d.call(OutOfMemoryError.class, FAST);            // an Error is a success unless recordOn names it
        d.call(null, FAST);

        CircuitBreakerMetrics m = d.metrics();
        assertThat(m.bufferedCalls()).isEqualTo(4);
        assertThat(m.failedCalls()).isEqualTo(1);
        assertThat(d.listener.outcomes(CallOutcome.IGNORED)).isEqualTo(1);
        assertThat(d.listener.outcomes(CallOutcome.FAILURE)).isEqualTo(1);
        assertThat(d.listener.outcomes(CallOutcome.SUCCESS)).isEqualTo(3);
    }

    @Test
    void ignoreOnWinsOverRecordOn() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(1).windowSize(10)
                .ignoreOn(dev.bulwark.agent.policy.ExceptionMatcher.of("java.io.IOException")));

        d.fail(5);

        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(d.metrics().bufferedCalls()).isZero();
    }

    @Test
    void countWindowSlidesTheOldestOutcomeOut() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(3).windowSize(3).failureRateThreshold(50));

        d.fail(1);
        d.succeed(2);
        assertThat(d.metrics().failedCalls()).isEqualTo(1);

        d.succeed(1);
        assertThat(d.metrics().bufferedCalls()).isEqualTo(3);
        assertThat(d.metrics().failedCalls()).isZero();

        // Were the first failure still counted, these two would make 3 of 3.
        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void countWindowCapsMinimumCallsAtItsSize() {
        BreakerDriver d = new BreakerDriver(spec().windowType(WindowType.COUNT).windowSize(5).minimumCalls(20));

        d.fail(5);

        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void timeWindowExpiresBucketsOlderThanItsSeconds() {
        BreakerDriver d = new BreakerDriver(spec().windowType(WindowType.TIME).windowSize(3)
                .minimumCalls(6).failureRateThreshold(50));

        d.fail(3);
        d.clock.advanceSeconds(1);
        d.succeed(1);
        d.clock.advanceSeconds(1);
        d.succeed(1);
        assertThat(d.metrics().bufferedCalls()).isEqualTo(5);

        d.clock.advanceSeconds(1);
        // Were the three failures of 3 seconds ago still inside, this would make 4 of 6 and open.
        d.fail(1);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(d.metrics().bufferedCalls()).isEqualTo(3);
        assertThat(d.metrics().failedCalls()).isEqualTo(1);

        d.fail(3);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void timeWindowCountsEverySecondStillInside() {
        BreakerDriver d = new BreakerDriver(spec().windowType(WindowType.TIME).windowSize(10)
                .minimumCalls(4).failureRateThreshold(100));

        for (int second = 0; second < 3; second++) {
            d.fail(1);
            d.clock.advanceSeconds(1);
        }
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        d.fail(1);

        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void timeWindowForgetsEverythingAfterALongQuietSpell() {
        BreakerDriver d = new BreakerDriver(spec().windowType(WindowType.TIME).windowSize(5).minimumCalls(2));

        d.fail(1);
        d.clock.advanceSeconds(3600);
        d.fail(1);

        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(d.metrics().bufferedCalls()).isEqualTo(1);
    }

    @Test
    void timeWindowRecordsALateTimestampInTheNewestSecond() {
        BreakerDriver d = new BreakerDriver(spec().windowType(WindowType.TIME).windowSize(2).minimumCalls(2));
        long start = d.clock.nanoTime();

        d.clock.advanceSeconds(5);
        d.fail(1);
        long permit = d.acquire();
        d.breaker.onComplete(permit, FAILURE, FAST, start);

        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void metricsReportRatesOnlyFromMinimumCalls() {
        BreakerDriver d = new BreakerDriver(spec().minimumCalls(4).windowSize(10).failureRateThreshold(100));

        d.fail(1);
        d.succeed(2);
        CircuitBreakerMetrics below = d.metrics();
        d.succeed(1);
        CircuitBreakerMetrics at = d.metrics();

        assertThat(below.failureRate()).isEqualTo(-1f);
        assertThat(below.slowCallRate()).isEqualTo(-1f);
        assertThat(below.bufferedCalls()).isEqualTo(3);
        assertThat(at.failureRate()).isEqualTo(25f);
        assertThat(at.slowCallRate()).isEqualTo(0f);
        assertThat(at.state()).isEqualTo(CircuitState.CLOSED);
    }
}
