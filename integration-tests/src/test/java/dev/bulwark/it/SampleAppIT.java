package dev.bulwark.it;

import dev.bulwark.sample.SampleApp;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command runs this demo; here it runs the same way and its story is checked. */
class SampleAppIT {
    @Test
    void theDemoShowsEveryPolicyAtWork() throws Exception {
        String classPath = AgentJvm.location(SampleApp.class) + File.pathSeparator + AgentJvm.annotationsLocation();
        Path config = Paths.get("..", "sample-app", "bulwark.conf").toAbsolutePath().normalize();
        ScenarioResult result = AgentJvm.withAgent().classPath(classPath).option("-Dsample.port=0")
                .agentArguments("config=" + config).run(SampleApp.class, "--demo");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).doesNotContain("ERROR");
        assertThat(result.stdout())
                .containsPattern("pear +3 .*\"source\":\"inventory\"")
                .containsPattern("plum +4 .*\"reason\":\"TimeoutExceededException\"")
                .containsPattern("fig +4 .*\"source\":\"fallback\"")
                .contains("call 5: pricing called 0 time(s), breaker OPEN")
                .contains("call 8: pricing called 1 time(s), breaker CLOSED")
                .contains("alice -> 429")
                .contains("bob   -> 200")
                .contains("2 shipped, 3 turned away at once")
                // Overload: checkout keeps its share of the adaptive bulkhead while the batch flood is shed.
                .containsPattern("checkout +\\d+ calls, +\\d+ served \\((9[5-9]|100) %\\)")
                .containsPattern("batch +\\d+ calls, +\\d+ served, [1-9]\\d* shed")
                .contains("partner quotes: 5 every 10s for this instance alone").contains("5 quoted, 2 turned away")
                .containsPattern("pear +backend calls 3 +pear costs")
                // 200 polls deposit 20 retries' worth; min-per-second adds 5 a second over a demo of a few seconds.
                .containsPattern("200 polls, 200 failed, backend hit 2[0-5][0-9] times: [1-5][0-9] retries instead of 600");
    }

    @Test
    void theChaosDemoOpensTheBreakerTurnsReadinessDownAndRecoversOnceChaosIsOff() throws Exception {
        Path config = Paths.get("..", "sample-app", "bulwark.conf").toAbsolutePath().normalize();
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().agentArguments("config=" + config)
                .option("-Dbulwark.admin.port=0").run(SampleApp.class, "--chaos-demo");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("ready before chaos: 200 {\"status\":\"UP\",\"openBreakers\":[]}")
                .containsPattern("price call 1: breaker then \\w+ +\\{.*\"source\":\"list price\",\"reason\":\"IOException\"")
                .containsPattern("price call 6: breaker then OPEN +\\{.*\"reason\":\"CircuitOpenException\"")
                .contains("ready during chaos: 503 {\"status\":\"DOWN\",\"openBreakers\":[\"pricing\"]}")
                .contains("chaos off: 200 {\"enabled\":false,")
                .containsPattern("price call 9: breaker then CLOSED +\\{.*\"source\":\"pricing\"")
                .contains("ready after recovery: 200 {\"status\":\"UP\",\"openBreakers\":[]}");
    }

    @Test
    void withoutTheAgentTheSameDemoFails() throws Exception {
        String classPath = AgentJvm.location(SampleApp.class) + File.pathSeparator + AgentJvm.annotationsLocation();
        ScenarioResult result = AgentJvm.withoutAgent().classPath(classPath).option("-Dsample.port=0")
                .run(SampleApp.class, "--demo");
        assertThat(result.stdout()).containsPattern("fig +1 .*503").contains("breaker (no agent)").contains("5 shipped, 0 turned away")
                .containsPattern("batch +\\d+ calls, +\\d+ served, 0 shed")
                .contains("7 quoted, 0 turned away").contains("200 polls, 200 failed, backend hit 200 times: 0 retries");
    }
}
