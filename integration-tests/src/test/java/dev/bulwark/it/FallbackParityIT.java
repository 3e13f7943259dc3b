package dev.bulwark.it;

import dev.bulwark.it.app.parity.FallbackParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;

/** Fallbacks through a synchronous method, one returning a stage and one returning a Mono: the same outcomes. */
class FallbackParityIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(FallbackParity.class, scenario);
    }

    @Test
    void aFallbackWithTheSameParametersReplacesTheFailure() throws Exception {
        assertBoth(run("fallbackWithSameParameters"), "outcome", "ok:21");
    }

    @Test
    void aTrailingThrowableParameterReceivesTheFailure() throws Exception {
        assertBoth(run("fallbackWithTrailingThrowable"), "outcome", "ok:cached:eu-1:IOException:no route to eu-1");
    }

    @Test
    void applyOnSkipOnAndTheFailureParameterTypeSelectWhatIsHandled() throws Exception {
        ScenarioResult result = run("applyOnAndSkipOn");
        assertBoth(result, "applyOnMatch", "ok:fallback");
        assertBoth(result, "applyOnMiss", "failed:IllegalStateException:not io");
        assertBoth(result, "skipOnMatch", "failed:IllegalArgumentException:skipped");
        assertBoth(result, "skipOnMiss", "ok:fallback");
        assertBoth(result, "narrowMatch", "ok:narrow fallback for io");
        assertBoth(result, "narrowMiss", "failed:IllegalStateException:state");
    }

    @Test
    void theFallbacksOwnExceptionReachesTheCaller() throws Exception {
        assertBoth(run("fallbackExceptionReachesTheCaller"), "outcome", "failed:UnsupportedOperationException:fallback failed too");
    }

    @Test
    void aTimeoutGoesToTheFallback() throws Exception {
        ScenarioResult result = run("fallbackHandlesBulwarkRejections");
        assertBoth(result, "outcome", "ok:fallback after TimeoutExceededException: "
                + "call 'dev.bulwark.it.app.parity.FallbackParity#slow' ran past its timeout");
        assertBoth(result, "interruptedAfter", "false");
    }

    @Test
    void aFallbackAfterRetriesGetsTheLastFailure() throws Exception {
        ScenarioResult result = run("fallbackAfterRetriesGetsTheLastFailure");
        assertBoth(result, "outcome", "ok:fallback got attempt 3");
        assertBoth(result, "calls", "3");
    }
}
