package dev.bulwark.it;

import dev.bulwark.it.app.RetryScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(RetryScenarios.class, scenario);
    }

    @Test
    void retriesUntilTheBodySucceeds() throws Exception {
        ScenarioResult result = run("retriesUntilSuccess");
        assertThat(result.get("outcome")).isEqualTo("returned:ok after 3");
        assertThat(result.getInt("calls")).isEqualTo(3);
        assertThat(result.stderr()).contains("[bulwark] INFO Bulwark 0.1.0-SNAPSHOT started, config: built-in defaults")
                .doesNotContain("WARNING");
    }

    @Test
    void withoutTheAgentTheAnnotationIsInert() throws Exception {
        ScenarioResult result = AgentJvm.withoutAgent().run(RetryScenarios.class, "retriesUntilSuccess");
        assertThat(result.get("outcome")).isEqualTo("threw:IllegalStateException:attempt 1");
        assertThat(result.getInt("calls")).isEqualTo(1);
    }

    @Test
    void disabledAgentIsInert() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().option("-Dbulwark.enabled=false").run(RetryScenarios.class, "retriesUntilSuccess");
        assertThat(result.get("outcome")).isEqualTo("threw:IllegalStateException:attempt 1");
        assertThat(result.getInt("calls")).isEqualTo(1);
        assertThat(result.stderr()).contains("disabled");
    }

    @Test
    void nestedRetriesKeepTheirOwnAttempts() throws Exception {
        ScenarioResult result = run("nestedRetriesKeepTheirOwnAttempts");
        assertThat(result.get("outcome")).isEqualTo("returned:inner 4, outer 3");
        assertThat(result.getInt("outerCalls")).isEqualTo(3);
        assertThat(result.getInt("innerCalls")).isEqualTo(4);
        assertThat(result.get("again")).isEqualTo("returned:inner 5");
    }

    @Test
    void anInterruptEndsTheLoopAndStaysSet() throws Exception {
        ScenarioResult result = run("interruptEndsTheLoop");
        assertThat(result.getBoolean("finished")).isTrue();
        assertThat(result.get("outcome")).isEqualTo("threw:UncheckedIOException:java.io.IOException: down");
        assertThat(result.getInt("calls")).isEqualTo(1);
        assertThat(result.getBoolean("interruptFlagKept")).isTrue();
    }

    @Test
    void aFirstAttemptThatSucceedsAllocatesNothing() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().option("-Xmx256m").run(RetryScenarios.class, "successAllocatesNothing");
        assertThat(Double.parseDouble(result.get("bytesPerCall"))).isLessThan(1.0);
    }
}
