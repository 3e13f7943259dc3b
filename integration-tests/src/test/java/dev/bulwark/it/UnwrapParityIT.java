package dev.bulwark.it;

import dev.bulwark.it.app.parity.UnwrapParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;

/** Every exception matcher looks through wrappers; the caller still receives the exception as thrown. */
class UnwrapParityIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(UnwrapParity.class, scenario);
    }

    @Test
    void retryOnAndAbortOnJudgeTheWrappedCauseAndTheCallerGetsTheWrapper() throws Exception {
        ScenarioResult result = run("retryOnAndAbortOnLookThroughWrappers");
        assertBoth(result, "retried", "ok:ok after 3");
        assertBoth(result, "retriedCalls", "3");
        assertBoth(result, "exhausted", "failed:UndeclaredThrowableException:null");
        assertBoth(result, "exhaustedCalls", "3");
        assertBoth(result, "aborted", "failed:UndeclaredThrowableException:null");
        assertBoth(result, "abortedCalls", "1");
    }

    @Test
    void recordOnJudgesTheWrappedCause() throws Exception {
        ScenarioResult result = run("recordOnLooksThroughWrappers");
        assertBoth(result, "state", "OPEN");
        assertBoth(result, "rejected", outcome -> outcome.startsWith("failed:CircuitOpenException:"));
        assertBoth(result, "calls", "2");
    }

    @Test
    void applyOnJudgesTheWrappedCauseAndTheFallbackReceivesTheWrapper() throws Exception {
        ScenarioResult result = run("applyOnLooksThroughWrappers");
        assertBoth(result, "outcome", "ok:fallback got UndeclaredThrowableException");
    }
}
