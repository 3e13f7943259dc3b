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
    void operatorsReadForceOpenAndResetThroughTheApiAndJmx() throws Exception {
        ScenarioResult result = run("operatorsControlABreaker");
        assertThat(result.get("forced")).isEqualTo(OPEN);
        assertThat(result.get("jmxState")).isEqualTo("OPEN");
        assertThat(result.getLong("jmxNotPermitted")).isEqualTo(1);
        assertThat(result.get("afterJmxReset")).isEqualTo("CLOSED");
        assertThat(result.get("afterReset")).isEqualTo("ok");
    }
}
