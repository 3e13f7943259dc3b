package dev.bulwark.it;

import dev.bulwark.it.app.parity.BreakerParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;

/**
 * The circuit breaker through a synchronous method, one returning a stage and one returning a Mono: the same states
 * and outcomes.
 */
class BreakerParityIT {
    private static final String OPEN = "failed:CircuitOpenException:circuit breaker 'dev.bulwark.it.app.parity.BreakerParity#guarded' is open";
    private static final String DOWN = "failed:IllegalStateException:downstream failed";

    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(BreakerParity.class, scenario);
    }

    @Test
    void opensWhenTheWindowReachesTheThresholdAndRejectsWithoutRunningTheBody() throws Exception {
        ScenarioResult result = run("opensAtTheThresholdAndRejects");
        assertBoth(result, "failing3", DOWN);
        assertBoth(result, "succeeding", "ok:ok");
        assertBoth(result, "stateAfterFour", "OPEN");
        assertBoth(result, "rejected", OPEN);
        assertBoth(result, "bodyRuns", "4");
    }

    @Test
    void belowTheThresholdTheBreakerStaysClosed() throws Exception {
        ScenarioResult result = run("belowTheThresholdStaysClosed");
        assertBoth(result, "fifth", "ok:ok");
        assertBoth(result, "state", "CLOSED");
    }

    @Test
    void recoversThroughHalfOpenTrials() throws Exception {
        ScenarioResult result = run("recoversThroughHalfOpen");
        assertBoth(result, "opened", "OPEN");
        assertBoth(result, "trial1", "ok:ok");
        assertBoth(result, "halfOpen", "HALF_OPEN");
        assertBoth(result, "trial2", "ok:ok");
        assertBoth(result, "closed", "CLOSED");
        assertBoth(result, "failedCalls", "0");
    }

    @Test
    void failedTrialsOpenTheBreakerAgain() throws Exception {
        ScenarioResult result = run("aFailedTrialReopens");
        assertBoth(result, "trial1", DOWN);
        assertBoth(result, "trial2", DOWN);
        assertBoth(result, "state", "OPEN");
        assertBoth(result, "next", OPEN);
    }

    @Test
    void aTimeoutCountsAsAFailureWhateverRecordOnSays() throws Exception {
        ScenarioResult result = run("timeoutsCountAsFailures");
        assertBoth(result, "first", outcome -> outcome.startsWith("failed:TimeoutExceededException"));
        assertBoth(result, "state", "OPEN");
        assertBoth(result, "third", outcome -> outcome.startsWith("failed:CircuitOpenException"));
        assertBoth(result, "bodyRuns", "2");
    }
}
