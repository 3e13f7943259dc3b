package dev.bulwark.it;

import dev.bulwark.it.app.parity.RetryAfterParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/** Retries honour Retry-After: synchronously, asynchronously and through a Mono alike. */
class RetryAfterParityIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(RetryAfterParity.class, scenario);
    }

    @Test
    void aRetryWaitsUntilTheRateLimiterGrantsAPermit() throws Exception {
        ScenarioResult result = run("aRateLimitersRefusalIsWaitedOut");
        assertBoth(result, "first", "ok:ok after 1");
        // A 1ms backoff would have been refused again: only waiting for the next token lets attempt 2 through.
        assertBoth(result, "second", "ok:ok after 2");
    }

    @Test
    void aRetryAfterThatCannotFitInMaxDurationEndsTheLoopWithTheRefusal() throws Exception {
        ScenarioResult result = run("aRetryAfterBeyondMaxDurationEndsTheLoopAtOnce");
        assertBoth(result, "first", "ok:ok after 1");
        assertBoth(result, "refusal", "RateLimitedException");
        assertBoth(result, "retryAfterAboveHalfAnHour", "true");
        assertBoth(result, "calls", "1");
    }

    @Test
    void aRetryWaitsUntilTheBreakerLetsATrialThrough() throws Exception {
        ScenarioResult result = run("anOpenBreakerIsWaitedOut");
        assertBoth(result, "first", "failed:IllegalStateException:first call fails");
        assertBoth(result, "second", "ok:ok after 2");
    }

    @Test
    void delayFromWaitsTheDelayTheApplicationsExceptionCarries() throws Exception {
        ScenarioResult result = run("delayFromTakesTheApplicationsRetryAfter");
        assertBoth(result, "outcome", "ok:ok after 2");
        // The backoff is 1ms: 300ms can only come from the exception's getRetryAfter().
        assertBothLong(result, "elapsedMillis", elapsed -> elapsed.isGreaterThanOrEqualTo(300));
    }
}
