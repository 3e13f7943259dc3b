package dev.bulwark.it;

import dev.bulwark.it.app.parity.TimeoutParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/**
 * Timeouts through a synchronous method, one returning a stage and one returning a Mono: the same outcomes, on
 * time.
 */
class TimeoutParityIT {
    private static final String SITE = "dev.bulwark.it.app.parity.TimeoutParity#";

    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(TimeoutParity.class, scenario);
    }

    @Test
    void aCallPastItsTimeoutEndsWithTimeoutExceeded() throws Exception {
        ScenarioResult result = run("timesOut");
        assertBoth(result, "outcome", "failed:TimeoutExceededException:call '" + SITE + "blocks' ran past its timeout");
        // The body would block a minute (or forever); anything well below proves the timeout (a generous bound).
        assertBothLong(result, "elapsedMillis", elapsed -> elapsed.isLessThan(30_000));
        assertBoth(result, "interruptedAfter", "false");
    }

    @Test
    void everyRetryAttemptGetsAFreshTimeout() throws Exception {
        ScenarioResult result = run("retriesGetAFreshTimeoutPerAttempt");
        assertBoth(result, "outcome", "ok:attempt 3");
        assertBoth(result, "attempts", "3");
    }

    @Test
    void anInnerCallGetsTheTimeLeftOfTheEnclosingTimeout() throws Exception {
        ScenarioResult result = run("innerCallsGetTheTimeLeft");
        assertBoth(result, "outcome", outcome -> outcome.startsWith("failed:TimeoutExceededException:"));
        // The inner call's own timeout is 30s, the enclosing one's 200ms.
        assertBothLong(result, "elapsedMillis", elapsed -> elapsed.isLessThan(20_000));
        assertBoth(result, "interruptedAfter", "false");
    }

    @Test
    void anEnclosingDeadlineEndsTheRetriesOfAnInnerCall() throws Exception {
        ScenarioResult result = run("anEnclosingDeadlineEndsTheRetries");
        assertBoth(result, "outcome", outcome -> outcome.startsWith("failed:TimeoutExceededException:"));
        // The deadline is 300ms away; five attempts of a second each, 200ms apart, would take six. The margin covers
        // a busy machine and a class from the cache of woven classes, whose sites this first call may plan.
        assertBothLong(result, "elapsedMillis", elapsed -> elapsed.isLessThan(3_000));
        assertBoth(result, "interruptedAfter", "false");
    }

    @Test
    void aSlowFallbackDelaysNoOtherCallsTimeout() throws Exception {
        ScenarioResult result = run("aSlowFallbackDelaysNoOtherTimeout");
        assertBoth(result, "fallbackStarted", "true");
        assertBoth(result, "timed", "failed:TimeoutExceededException:call '" + SITE + "blocks' ran past its timeout");
        // The fallback sleeps 2s; a timeout of 100ms that waited for it would end after that.
        assertBothLong(result, "timedMillis", elapsed -> elapsed.isLessThan(1_000));
        assertBoth(result, "slow", "ok:slow fallback");
    }

    @Test
    void theTimeoutBoundsTheWaitForABulkheadSlot() throws Exception {
        ScenarioResult result = run("theTimeoutBoundsTheBulkheadWait");
        assertBoth(result, "holderEntered", "true");
        assertBoth(result, "outcome", "failed:TimeoutExceededException:call '" + SITE + "waitsForTheSlot' ran past its timeout");
        // 300ms of timeout against 5s of maxWait.
        assertBothLong(result, "elapsedMillis", elapsed -> elapsed.isLessThan(2_500));
        assertBoth(result, "holder", "ok:held");
    }
}
