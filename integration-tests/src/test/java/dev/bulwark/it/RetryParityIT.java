package dev.bulwark.it;

import dev.bulwark.it.app.parity.RetryParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/** Retry through a synchronous method, one returning a stage and one returning a Mono: the same outcomes. */
class RetryParityIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(RetryParity.class, scenario);
    }

    @Test
    void retriesUntilTheBodySucceeds() throws Exception {
        ScenarioResult result = run("retriesUntilSuccess");
        assertBoth(result, "outcome", "ok:ok after 3");
        assertBoth(result, "calls", "3");
    }

    @Test
    void anExhaustedRetryGivesTheLastAttemptsFailure() throws Exception {
        ScenarioResult result = run("exhaustsAndGivesTheLastFailure");
        assertBoth(result, "outcome", "failed:IllegalStateException:attempt 3");
        assertBoth(result, "calls", "3");
    }

    @Test
    void abortOnEndsTheLoopAtOnce() throws Exception {
        ScenarioResult result = run("abortOnEndsTheLoop");
        assertBoth(result, "outcome", "failed:IllegalArgumentException:bad input");
        assertBoth(result, "calls", "1");
    }

    @Test
    void retryOnChoosesWhatIsRetriedIncludingSubclassesAndNeverErrorsByDefault() throws Exception {
        ScenarioResult result = run("retryOnSelectsExceptions");
        assertBoth(result, "notRetryable", "failed:IllegalStateException:not an IOException");
        assertBoth(result, "notRetryableCalls", "1");
        assertBoth(result, "subclass", "ok:found");
        assertBoth(result, "subclassCalls", "4");
        assertBoth(result, "error", "failed:AssertionError:an Error is not an Exception");
        assertBoth(result, "errorCalls", "1");
    }

    @Test
    void theBackoffDelayPassesBetweenAttempts() throws Exception {
        ScenarioResult result = run("waitsTheBackoffDelay");
        assertBoth(result, "outcome", "failed:IllegalStateException:fails");
        assertBoth(result, "calls", "4");
        // Three fixed delays of 120ms: a lower bound only, which no slow machine can break.
        assertBothLong(result, "elapsedMillis", elapsed -> elapsed.isGreaterThanOrEqualTo(360));
    }

    @Test
    void maxDurationEndsTheLoopLongBeforeMaxAttempts() throws Exception {
        ScenarioResult result = run("maxDurationBoundsTheLoop");
        assertBoth(result, "outcome", outcome -> outcome.startsWith("failed:IllegalStateException:fails"));
        // 100ms apart within 1s: at most 11 attempts fit, against 1000 allowed.
        assertBothLong(result, "calls", calls -> calls.isBetween(1L, 11L));
    }
}
