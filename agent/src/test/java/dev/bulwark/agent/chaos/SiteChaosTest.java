package dev.bulwark.agent.chaos;

import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.ChaosSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The draws of one site's experiments: their rates, their conditions, the seed and the kill switch. */
class SiteChaosTest {
    private static final int CALLS = 10_000;

    @TempDir
    Path dir;

    private ChaosSettings load(String... lines) throws IOException {
        Path file = dir.resolve("bulwark.conf");
        Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return BulwarkConfig.load("config=" + file, SiteChaosTest.class.getClassLoader(), new Properties(), Map.of(),
                problem -> {
                    throw new AssertionError(problem.toString());
                }).chaos();
    }

    private SiteChaos site(ChaosControl control, ChaosSettings settings) {
        control.apply(settings);
        return control.site("a.B#call", settings.experiments());
    }

    @Test
    void injectsAtTheConfiguredRatesWithinStatisticalBounds() throws IOException {
        ChaosControl control = new ChaosControl();
        SiteChaos chaos = site(control, load("bulwark.chaos { seed = 7, experiments = [",
                "{ class = \"a.B\", latency { rate = 0.3, delay = 10ms }, fault { rate = 0.1, exception = \"java.io.IOException\" } }",
                "] }"));
        int delayed = 0;
        int failed = 0;
        for (int i = 0; i < CALLS; i++) {
            long delay = chaos.drawDelay(SiteChaos.ALL);
            if (delay > 0) {
                assertThat(delay).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
                delayed++;
            }
            Throwable fault = chaos.drawFault(SiteChaos.ALL);
            if (fault != null) {
                assertThat(fault).isInstanceOf(IOException.class).hasMessage("injected by bulwark.chaos");
                failed++;
            }
        }
        // Five standard deviations of a binomial count either side: a correct draw never fails this.
        assertThat(delayed).isBetween(bound(0.3, -5), bound(0.3, 5));
        assertThat(failed).isBetween(bound(0.1, -5), bound(0.1, 5));
        Map<String, Object> view = control.view().get(0);
        assertThat(view.get("latenciesInjected")).isEqualTo((long) delayed);
        assertThat(view.get("faultsInjected")).isEqualTo((long) failed);
    }

    private static int bound(double rate, int deviations) {
        return (int) Math.round(CALLS * rate + deviations * Math.sqrt(CALLS * rate * (1 - rate)));
    }

    @Test
    void theSameSeedDrawsTheSameCalls() throws IOException {
        String[] config = {"bulwark.chaos { seed = 11, experiments = [",
                "{ class = \"a.B\", fault { rate = 0.5, exception = \"java.io.IOException\" } }] }"};
        assertThat(faults(site(new ChaosControl(), load(config)))).isEqualTo(faults(site(new ChaosControl(), load(config))));
    }

    private static List<Boolean> faults(SiteChaos chaos) {
        List<Boolean> drawn = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            drawn.add(chaos.drawFault(SiteChaos.ALL) != null);
        }
        return drawn;
    }

    @Test
    void whenDecidesWhichExperimentsApply() throws IOException {
        SiteChaos chaos = site(new ChaosControl(), load("bulwark.chaos.experiments = [",
                "{ class = \"a.B\", when = \"#0 == 'canary'\", fault { rate = 1, exception = \"java.io.IOException\" } }",
                "{ class = \"a.B\", when = \"#1.length > 3\", latency { rate = 1, delay = 5ms } }",
                "]"));
        assertThat(chaos.wantsArguments()).isTrue();
        int canary = chaos.applying(new Object[] {"canary", "ab"});
        assertThat(chaos.drawFault(canary)).isInstanceOf(IOException.class);
        assertThat(chaos.drawDelay(canary)).isZero();
        int longName = chaos.applying(new Object[] {"stable", "abcd"});
        assertThat(chaos.drawFault(longName)).isNull();
        assertThat(chaos.drawDelay(longName)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
    }

    @Test
    void aConditionThatCannotBeEvaluatedDoesNotApply() throws IOException {
        SiteChaos chaos = site(new ChaosControl(), load("bulwark.chaos.experiments = [",
                "{ class = \"a.B\", when = \"#0.tenant == 'canary'\", fault { rate = 1, exception = \"java.io.IOException\" } }]"));
        assertThat(chaos.applying(new Object[] {"a string has no tenant"})).isZero();
    }

    @Test
    void theKillSwitchFollowsTheConfigAndTheOperator() throws IOException {
        ChaosControl control = new ChaosControl();
        SiteChaos chaos = site(control, load("bulwark.chaos.experiments = [",
                "{ class = \"a.B\", fault { rate = 1, exception = \"java.io.IOException\" } }]"));
        assertThat(chaos.on()).isTrue();
        control.off();
        assertThat(chaos.on()).isFalse();
        control.apply(load("bulwark.chaos { enabled = false }"));
        assertThat(chaos.on()).isFalse();
        control.apply(load("bulwark.chaos { enabled = true }"));
        assertThat(chaos.on()).isTrue();
        assertThat(control.site("a.B#call", List.of())).isNull();
    }
}
