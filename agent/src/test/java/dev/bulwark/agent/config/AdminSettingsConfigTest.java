package dev.bulwark.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static dev.bulwark.agent.config.ConfigFixture.declared;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code bulwark.admin}, and the effective settings with their sources that the admin endpoint shows. */
class AdminSettingsConfigTest {
    @TempDir
    Path dir;

    @Test
    void offByDefault() {
        ConfigFixture fixture = new ConfigFixture(dir);
        AdminSettings admin = fixture.load("bulwark { }").admin();
        assertThat(admin).isEqualTo(AdminSettings.OFF);
        assertThat(admin.enabled()).isFalse();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void readsEveryKey() {
        ConfigFixture fixture = new ConfigFixture(dir);
        AdminSettings admin = fixture.load("bulwark.admin { port = 9191, host = \"0.0.0.0\", token = abc,",
                " readiness-breakers = [payments, \" pricing \"] }").admin();
        assertThat(fixture.problems).isEmpty();
        assertThat(admin.enabled()).isTrue();
        assertThat(admin.port()).isEqualTo(9191);
        assertThat(admin.host()).isEqualTo("0.0.0.0");
        assertThat(admin.token()).isEqualTo("abc");
        assertThat(admin.readinessBreakers()).containsExactly("payments", "pricing");
        assertThat(admin.toString()).doesNotContain("abc");
    }

    @Test
    void aBadValueIsReportedWithKeyAndOriginAndLeavesTheEndpointOff() {
        ConfigFixture fixture = new ConfigFixture(dir);
        AdminSettings admin = fixture.load("bulwark.admin {", "  port = 70000", "  colour = red", "}").admin();
        assertThat(admin).isEqualTo(AdminSettings.OFF);
        assertThat(fixture.problems).extracting(Object::toString).anySatisfy(line -> assertThat(line)
                .contains("bulwark.admin.port").contains("bulwark.conf").contains("bulwark.conf: 2:").contains("0 to 65535").contains("70000"));
        assertThat(fixture.problems).extracting(Object::toString).anySatisfy(line -> assertThat(line)
                .contains("bulwark.admin.colour").contains("bulwark.conf: 3:"));
    }

    @Test
    void aBadReadinessListIsReported() {
        ConfigFixture fixture = new ConfigFixture(dir);
        AdminSettings admin = fixture.load("bulwark.admin { port = 9191, readiness-breakers = payments }").admin();
        assertThat(admin).isEqualTo(AdminSettings.OFF);
        assertThat(fixture.problems).extracting(Object::toString).anySatisfy(line -> assertThat(line)
                .contains("bulwark.admin.readiness-breakers").contains("a list of strings"));
    }

    @Test
    void eachEffectiveSettingNamesTheLayerThatWroteIt() {
        ConfigFixture fixture = new ConfigFixture(dir);
        BulwarkConfig config = fixture.load(
                "bulwark {",
                "  defaults { circuit-breaker { window-size = 40 } }",
                "  policies { payments { circuit-breaker { wait-in-open = 5s } } }",
                "  methods { \"com.acme.Billing#charge\" { circuit-breaker { minimum-calls = 7 } } }",
                "}");
        SitePolicies policies = config.resolve("com.acme.Billing", "charge",
                declared(PolicyKind.CIRCUIT_BREAKER, "name = payments, failure-rate-threshold = 30"));
        Map<String, Setting> settings = policies.settings().get(PolicyKind.CIRCUIT_BREAKER);
        assertThat(fixture.problems).isEmpty();
        assertThat(settings.get("minimum-calls")).satisfies(s -> assertSetting(s, 7, Setting.METHODS));
        assertThat(settings.get("failure-rate-threshold")).satisfies(s -> assertSetting(s, 30, Setting.DECLARED));
        assertThat(settings.get("wait-in-open")).satisfies(s -> assertSetting(s, "5s", Setting.POLICIES));
        assertThat(settings.get("window-size")).satisfies(s -> assertSetting(s, 40, Setting.DEFAULTS));
        assertThat(settings.get("half-open-calls")).satisfies(s -> assertSetting(s, 5, Setting.BUILT_IN));
        assertThat(settings.get("record-on").value()).isEqualTo(Arrays.asList("java.lang.Exception"));
        assertThat(policies.settings()).containsOnlyKeys(PolicyKind.CIRCUIT_BREAKER);
    }

    private static void assertSetting(Setting setting, Object value, String source) {
        assertThat(setting.value()).isEqualTo(value);
        assertThat(setting.source()).isEqualTo(source);
    }
}
