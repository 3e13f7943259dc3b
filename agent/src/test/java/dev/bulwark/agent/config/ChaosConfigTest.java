package dev.bulwark.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark.chaos}: its experiments, what they select, and the one-line reports of bad ones. */
class ChaosConfigTest {
    @TempDir
    Path dir;

    @Test
    void noExperimentsByDefault() {
        ConfigFixture fixture = new ConfigFixture(dir);
        ChaosSettings chaos = fixture.load("bulwark { }").chaos();
        assertThat(fixture.problems).isEmpty();
        assertThat(chaos.enabled()).isTrue();
        assertThat(chaos.seed()).isEmpty();
        assertThat(chaos.experiments()).isEmpty();
    }

    @Test
    void readsAnExperiment() throws Throwable {
        ConfigFixture fixture = new ConfigFixture(dir);
        ChaosSettings chaos = fixture.load("bulwark.chaos { enabled = false, seed = 42, experiments = [",
                "  { class = \"com.acme.legacy.*Client\", method = \"fetch*\", when = \"#0.tenant == 'canary'\",",
                "    latency { rate = 0.1, delay = 500ms }, fault { rate = 0.05, exception = \"java.io.IOException\", message = boom } }",
                "] }").chaos();
        assertThat(fixture.problems).isEmpty();
        assertThat(chaos.enabled()).isFalse();
        assertThat(chaos.seed()).hasValue(42);
        ChaosExperiment experiment = chaos.experiments().get(0);
        assertThat(experiment.matches("com.acme.legacy.PriceClient", "fetchPrice")).isTrue();
        assertThat(experiment.matches("com.acme.legacy.PriceClient", "close")).isFalse();
        assertThat(experiment.matches("com.acme.legacy.sub.PriceClient", "fetchPrice")).isFalse();
        assertThat(experiment.when().text()).isEqualTo("#0.tenant == 'canary'");
        assertThat(experiment.latencyRate()).isEqualTo(0.1);
        assertThat(experiment.delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(experiment.faultRate()).isEqualTo(0.05);
        Throwable fault = experiment.newFault();
        assertThat(fault).isExactlyInstanceOf(IOException.class).hasMessage("boom");
        assertThat(experiment.newFault()).isNotSameAs(fault);
        assertThat(experiment.describe()).isEqualTo(
                "bulwark.chaos.experiments[0] { class = \"com.acme.legacy.*Client\", method = \"fetch*\" }");
    }

    @Test
    void experimentsSelectTheirClassesForWeaving() {
        ConfigFixture fixture = new ConfigFixture(dir);
        BulwarkConfig config = fixture.load("bulwark.chaos.experiments = [",
                "  { class = \"com.acme.Pricing\", method = \"quote\", fault { rate = 1, exception = \"java.io.IOException\" } }",
                "]");
        BulwarkConfig without = new ConfigFixture(dir.resolve("..")).load("bulwark { }");
        assertThat(fixture.problems).isEmpty();
        assertThat(config.selectsClass("com.acme.Pricing")).isTrue();
        assertThat(config.selectsClass("com.acme.Billing")).isFalse();
        assertThat(config.methodSelectors("com.acme.Pricing")).containsExactly("chaos method = quote");
        assertThat(config.selectsAlike(without)).isFalse();
    }

    @Test
    void anExceptionClassThatDoesNotExistLeavesItsExperimentOutWithOneLine() {
        ConfigFixture fixture = new ConfigFixture(dir);
        ChaosSettings chaos = fixture.load("bulwark.chaos.experiments = [",
                "  { class = \"a.B\", fault { rate = 1, exception = \"java.io.IOExceptoin\" } }",
                "  { class = \"a.C\", fault { rate = 1, exception = \"java.io.IOException\" } }",
                "]").chaos();
        assertThat(fixture.problems).hasSize(1);
        assertThat(fixture.problems.get(0).key()).isEqualTo("bulwark.chaos.experiments[0].fault.exception");
        assertThat(fixture.problems.get(0).toString()).contains("java.io.IOExceptoin", "no such class", "bulwark.conf");
        assertThat(fixture.problems.get(0).outcome()).contains("experiment bulwark.chaos.experiments[0] left out");
        assertThat(chaos.experiments()).extracting(ChaosExperiment::describe)
                .containsExactly("bulwark.chaos.experiments[1] { class = \"a.C\", method = \"*\" }");
    }

    @Test
    void anExceptionWithoutAMessageConstructorIsReported() {
        ConfigFixture fixture = new ConfigFixture(dir);
        ChaosSettings chaos = fixture.load("bulwark.chaos.experiments = [",
                "  { class = \"a.B\", fault { rate = 1, exception = \"java.nio.channels.ClosedChannelException\" } }",
                "  { class = \"a.B\", fault { rate = 1, exception = \"java.lang.String\" } }",
                "]").chaos();
        assertThat(chaos.experiments()).isEmpty();
        assertThat(fixture.problems).hasSize(2);
        assertThat(fixture.problems.get(0).toString()).contains("bulwark.chaos.experiments[0].fault.exception",
                "public constructor taking the message (String)", "ClosedChannelException");
        assertThat(fixture.problems.get(1).toString()).contains("a subclass of java.lang.Throwable");
    }

    @Test
    void badRatesConditionsAndMissingBlocksAreReported() {
        ConfigFixture fixture = new ConfigFixture(dir);
        ChaosSettings chaos = fixture.load("bulwark.chaos.experiments = [",
                "  { class = \"a.B\", latency { rate = 1.5, delay = 1s } }",
                "  { class = \"a.B\", latency { rate = 0.5 } }",
                "  { class = \"a.B\", when = \"#0.tenant ==\", fault { rate = 1, exception = \"java.io.IOException\" } }",
                "  { class = \"a.B\" }",
                "  { class = \"a.B\", fault { rate = 1, exception = \"java.io.IOException\", mesage = x } }",
                "]").chaos();
        assertThat(chaos.experiments()).isEmpty();
        assertThat(fixture.problems).extracting(ConfigProblem::key).containsExactly(
                "bulwark.chaos.experiments[0].latency.rate",
                "bulwark.chaos.experiments[1].latency.delay",
                "bulwark.chaos.experiments[2].when",
                "bulwark.chaos.experiments[3].latency",
                "bulwark.chaos.experiments[4].fault.mesage");
    }
}
