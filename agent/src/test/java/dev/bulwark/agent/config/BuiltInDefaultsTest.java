package dev.bulwark.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent starts on these values before it has read reference.conf: they must be what it says. */
class BuiltInDefaultsTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void areWhatReferenceConfSays() {
        BulwarkConfig config = fixture.load();

        assertThat(config.enabled()).isTrue();
        assertThat(config.metricsEnabled()).isEqualTo(BuiltInDefaults.METRICS);
        assertThat(config.spans()).isEqualTo(BuiltInDefaults.SPANS);
        assertThat(config.source()).isEqualTo(BuiltInDefaults.SOURCE);
        assertThat(config.instrumentRules()).isEmpty();
        assertThat(config.selectsClass("com.acme.Billing")).isFalse();
        assertThat(config.file()).isNull();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void applyAloneWhenNoFileIsNamedAndNothingIsOverridden() {
        fixture.properties.setProperty("bulwark.debug", "true");
        fixture.properties.setProperty("bulwark.log", "warn");
        fixture.properties.setProperty("bulwarkish.other", "x");

        assertThat(alone()).isTrue();
    }

    @Test
    void applyAloneWhenOnlyTheCacheIsConfiguredByProperties() {
        fixture.properties.setProperty("bulwark.cache.dir", dir.resolve("cache").toString());
        fixture.properties.setProperty("bulwark.cache.max-size", "10MiB");
        fixture.properties.setProperty("bulwark.cache.enabled", "false");
        assertThat(alone()).isTrue();

        fixture.properties.setProperty("bulwark.defaults.retry.max-attempts", "5");
        assertThat(alone()).isFalse();
    }

    @Test
    void doNotApplyAloneWhenTheUserNamesAFileOrOverridesAKey() {
        fixture.agentArguments = "config=/etc/bulwark.conf";
        assertThat(alone()).isFalse();

        fixture.agentArguments = null;
        fixture.properties.setProperty("bulwark.config", "/etc/bulwark.conf");
        assertThat(alone()).isFalse();

        fixture.properties.clear();
        fixture.environment.put("BULWARK_CONFIG", "/etc/bulwark.conf");
        assertThat(alone()).isFalse();

        fixture.environment.clear();
        fixture.properties.setProperty("bulwark.defaults.retry.max-attempts", "5");
        assertThat(alone()).isFalse();
    }

    private boolean alone() {
        return BuiltInDefaults.alone(fixture.agentArguments, fixture.properties, fixture.environment);
    }
}
