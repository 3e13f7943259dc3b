package dev.bulwark.it;

import dev.bulwark.it.app.BreakerScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerIT {
    private static final String OPEN = "CircuitOpenException:circuit breaker 'dev.bulwark.it.app.BreakerScenarios#guarded' is open";

    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(BreakerScenarios.class, scenario);
    }

    @Test
    void opensWhenTheWindowReachesTheThresholdAndRejectsWithoutRunningTheBody() throws Exception {
        ScenarioResult result = run("opensAtTheThresholdAndRejects");
        assertThat(result.get("stateAfterFour")).isEqualTo("OPEN");
        assertThat(result.get("outcomes")).endsWith("ok | " + OPEN);
        assertThat(result.getInt("bodyRuns")).isEqualTo(4);
    }

    @Test
    void belowTheThresholdTheBreakerStaysClosed() throws Exception {
        ScenarioResult result = run("belowTheThresholdStaysClosed");
        assertThat(result.get("fifth")).isEqualTo("ok");
        assertThat(result.get("state")).isEqualTo("CLOSED");
    }

    @Test
    void recoversThroughHalfOpenTrials() throws Exception {
        ScenarioResult result = run("recoversThroughHalfOpen");
        assertThat(result.get("opened")).isEqualTo("OPEN");
        assertThat(result.get("trial1")).isEqualTo("ok");
        assertThat(result.get("halfOpen")).isEqualTo("HALF_OPEN");
        assertThat(result.get("trial2")).isEqualTo("ok");
        assertThat(result.get("closed")).isEqualTo("CLOSED");
        assertThat(result.getLong("failedCalls")).isZero();
    }

    @Test
    void failedTrialsOpenTheBreakerAgain() throws Exception {
        ScenarioResult result = run("aFailedTrialReopens");
        assertThat(result.get("state")).isEqualTo("OPEN");
        assertThat(result.get("next")).isEqualTo(OPEN);
    }

    @Test
    void methodsNamingTheSameBreakerShareItsState() throws Exception {
        ScenarioResult result = run("aBreakerSharedByName");
        assertThat(result.get("refund")).isEqualTo("CircuitOpenException:circuit breaker 'payments' is open");
        assertThat(result.getInt("bodyRuns")).isEqualTo(4);
        assertThat(result.get("names")).contains("payments");
    }

    @Test
    void anErrorThrownByATrialCallStillEndsTheTrial() throws Exception {
        ScenarioResult result = run("anErrorInATrialNeverStrandsHalfOpen");
        assertThat(result.get("opened")).isEqualTo("OPEN");
        assertThat(result.get("trialThrew")).isEqualTo("AssertionError");
        assertThat(result.get("afterTrial")).isEqualTo("CLOSED");
        assertThat(result.get("nextCall")).isEqualTo("returned:ran the body");
    }

    @Test
    void anOpenBreakerEndsTheRetryLoopAtOnce() throws Exception {
        ScenarioResult result = run("anOpenCircuitEndsTheRetryLoop");
        assertThat(result.get("first")).startsWith("CircuitOpenException");
        assertThat(result.getInt("bodyRuns")).isEqualTo(2);
        assertThat(result.get("second")).startsWith("CircuitOpenException");
        assertThat(result.getInt("bodyRunsAfterOpen")).isZero();
    }

    @Test
    void anInnerTimeoutCountsAsAFailureWhateverRecordOnSays() throws Exception {
        ScenarioResult result = run("timeoutsCountAsFailures");
        assertThat(result.get("state")).isEqualTo("OPEN");
        assertThat(result.get("third")).startsWith("CircuitOpenException");
    }

    @Test
    void operatorsReadForceOpenAndResetThroughTheApiAndJmx() throws Exception {
        ScenarioResult result = run("operatorsControlABreaker");
        assertThat(result.get("forced")).isEqualTo(OPEN);
        assertThat(result.get("jmxState")).isEqualTo("OPEN");
        assertThat(result.getLong("jmxNotPermitted")).isEqualTo(1);
        assertThat(result.get("afterJmxReset")).isEqualTo("CLOSED");
        assertThat(result.get("afterReset")).isEqualTo("ok");
    }
}
