package dev.bulwark.agent.config;

import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.agent.policy.timeout.TimeoutSpec;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.WindowType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.agent.config.ConfigFixture.declared;
import static dev.bulwark.agent.config.ConfigFixture.none;
import static org.assertj.core.api.Assertions.assertThat;

/** Config sources and precedence (docs/configuration.md), with a config that has no problems. */
class BulwarkConfigTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private static RetrySpec retry(BulwarkConfig config, String method, java.util.Map<PolicyKind, com.typesafe.config.Config> declared) {
        return config.resolve("com.acme.Billing", method, declared).spec(PolicyKind.RETRY, RetrySpec.class);
    }

    @Test
    void withoutAFileTheBuiltInDefaultsOfSpecSection3Apply() {
        BulwarkConfig config = fixture.load();

        RetrySpec retry = retry(config, "charge", declared(PolicyKind.RETRY, ""));
        assertThat(retry.maxAttempts()).isEqualTo(3);
        assertThat(retry.delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(retry.backoff()).isEqualTo(Backoff.EXPONENTIAL);
        assertThat(retry.name()).isEqualTo("com.acme.Billing#charge");
        assertThat(config.source()).isEqualTo("built-in defaults");
        assertThat(config.enabled()).isTrue();
        assertThat(config.file()).isNull();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void theFileOverridesTheReferenceAndSystemPropertiesOverrideTheFile() {
        fixture.properties.setProperty("bulwark.defaults.retry.delay", "7ms");
        BulwarkConfig config = fixture.load("bulwark.defaults.retry { max-attempts = 5, delay = 50ms }");

        RetrySpec retry = retry(config, "charge", declared(PolicyKind.RETRY, ""));
        assertThat(retry.maxAttempts()).isEqualTo(5);
        assertThat(retry.delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
        assertThat(retry.multiplier()).isEqualTo(2.0);
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void aSystemPropertyReachesAQuotedMethodsKeyAndTakesAListInBrackets() {
        fixture.properties.setProperty("bulwark.methods.\"com.acme.Billing#charge\".retry.max-attempts", "9");
        fixture.properties.setProperty("bulwark.methods.\"com.acme.Billing#charge\".retry.retry-on", "[java.io.IOException]");
        fixture.properties.setProperty("bulwark.log", "debug");
        BulwarkConfig config = fixture.load();

        RetrySpec retry = retry(config, "charge", declared(PolicyKind.RETRY, "max-attempts = 4"));
        assertThat(retry.maxAttempts()).isEqualTo(9);
        assertThat(retry.retryOn().typeNames()).containsExactly("java.io.IOException");
        assertThat(config.hasMethodEntriesFor("com.acme.Billing")).isTrue();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void theAgentArgumentWinsOverTheSystemPropertyWhichWinsOverTheEnvironment() {
        Path fromArgument = fixture.file("argument.conf", "bulwark.defaults.retry.max-attempts = 1");
        Path fromProperty = fixture.file("property.conf", "bulwark.defaults.retry.max-attempts = 2");
        Path fromEnvironment = fixture.file("environment.conf", "bulwark.defaults.retry.max-attempts = 4");
        fixture.environment.put("BULWARK_CONFIG", fromEnvironment.toString());
        assertThat(retry(fixture.load(), "charge", declared(PolicyKind.RETRY, "")).maxAttempts()).isEqualTo(4);
        assertThat(fixture.load().source()).isEqualTo(fromEnvironment + " (from environment variable BULWARK_CONFIG)");

        fixture.properties.setProperty("bulwark.config", fromProperty.toString());
        assertThat(retry(fixture.load(), "charge", declared(PolicyKind.RETRY, "")).maxAttempts()).isEqualTo(2);
        assertThat(fixture.load().source()).isEqualTo(fromProperty + " (from system property bulwark.config)");

        fixture.agentArguments = "config=" + fromArgument;
        BulwarkConfig config = fixture.load();
        assertThat(retry(config, "charge", declared(PolicyKind.RETRY, "")).maxAttempts()).isEqualTo(1);
        assertThat(config.source()).isEqualTo(fromArgument + " (from agent argument config=)");
        assertThat(config.file()).isEqualTo(fromArgument.toFile());
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void methodsEntryBeatsTheAnnotationWhichBeatsTheNamedPolicyWhichBeatsDefaults() {
        String[] file = {
                "bulwark {",
                "  defaults.circuit-breaker { failure-rate-threshold = 10, minimum-calls = 11, window-size = 12, half-open-calls = 13 }",
                "  policies.payments.circuit-breaker { failure-rate-threshold = 20, minimum-calls = 21, window-size = 22 }",
                "  methods.\"com.acme.Billing#charge\".circuit-breaker { failure-rate-threshold = 30 }",
                "}"};
        BulwarkConfig config = fixture.load(file);

        CircuitBreakerSpec spec = config.resolve("com.acme.Billing", "charge",
                        declared(PolicyKind.CIRCUIT_BREAKER, "name = payments, failure-rate-threshold = 40, minimum-calls = 41"))
                .spec(PolicyKind.CIRCUIT_BREAKER, CircuitBreakerSpec.class);
        assertThat(spec.name()).isEqualTo("payments");
        assertThat(spec.failureRateThreshold()).as("methods entry").isEqualTo(30);
        assertThat(spec.minimumCalls()).as("annotation").isEqualTo(41);
        assertThat(spec.windowSize()).as("named policy").isEqualTo(22);
        assertThat(spec.halfOpenCalls()).as("defaults").isEqualTo(13);
        assertThat(spec.slowCallRateThreshold()).as("built-in").isEqualTo(100);
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void aMethodsEntryAloneProtectsAMethodWithoutAnnotations() {
        BulwarkConfig config = fixture.load("bulwark.methods { \"com.acme.Billing#refund\" { timeout { value = 2s } } }");

        SitePolicies policies = config.resolve("com.acme.Billing", "refund", none());
        assertThat(policies.specs().keySet()).containsExactly(PolicyKind.TIMEOUT);
        assertThat(policies.spec(PolicyKind.TIMEOUT, TimeoutSpec.class).timeoutNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(config.selectsClass("com.acme.Billing")).isTrue();
        assertThat(config.resolve("com.acme.Billing", "charge", none()).isEmpty()).isTrue();
    }

    @Test
    void enumValuesAreConstantNamesInAnyCase() {
        BulwarkConfig config = fixture.load(
                "bulwark.defaults.retry { backoff = fixed, jitter = \"Equal\" }",
                "bulwark.defaults.circuit-breaker.window-type = time");

        RetrySpec retry = retry(config, "charge", declared(PolicyKind.RETRY, ""));
        assertThat(retry.backoff()).isEqualTo(Backoff.FIXED);
        assertThat(retry.jitter()).isEqualTo(Jitter.EQUAL);
        assertThat(config.resolve("com.acme.Billing", "charge", declared(PolicyKind.CIRCUIT_BREAKER, ""))
                .spec(PolicyKind.CIRCUIT_BREAKER, CircuitBreakerSpec.class).windowType()).isEqualTo(WindowType.TIME);
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void instrumentEntriesDeclareBlocksForMatchingClassesAndMethods() {
        BulwarkConfig config = fixture.load(
                "bulwark.instrument = [",
                "  { class = \"com.acme.legacy.*Client\", method = \"fetch*\", retry { max-attempts = 4 },",
                "    circuit-breaker { name = payments }, fallback { method = fetchCached } }",
                "  { class = \"com.acme.**\", timeout { value = 3s } }",
                "]");

        assertThat(config.instrumentRules()).hasSize(2);
        InstrumentRule legacy = config.instrumentRules().get(0);
        assertThat(legacy.matchesClass("com.acme.legacy.PriceClient")).isTrue();
        assertThat(legacy.matchesClass("com.acme.legacy.sub.PriceClient")).isFalse();
        assertThat(legacy.matchesMethod("fetchPrice")).isTrue();
        assertThat(legacy.matchesMethod("store")).isFalse();
        assertThat(legacy.blocks().keySet()).containsExactlyInAnyOrder(PolicyKind.RETRY, PolicyKind.CIRCUIT_BREAKER,
                PolicyKind.FALLBACK);
        InstrumentRule everything = config.instrumentRules().get(1);
        assertThat(everything.matchesClass("com.acme.legacy.sub.PriceClient")).isTrue();
        assertThat(everything.matchesMethod("anything")).isTrue();
        assertThat(config.selectsClass("com.acme.legacy.PriceClient")).isTrue();
        assertThat(config.selectsClass("org.other.Thing")).isFalse();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void methodSelectorsChangeWithWhatSelectsMethodsNotWithThePoliciesGiven() {
        BulwarkConfig before = fixture.load(
                "bulwark.instrument = [ { class = \"com.acme.legacy.*Client\", method = \"fetch*\", retry { max-attempts = 4 } } ]",
                "bulwark.methods { \"com.acme.legacy.PriceClient#quote\" { timeout { value = 2s } } }");
        BulwarkConfig retuned = fixture.load(
                "bulwark.instrument = [ { class = \"com.acme.legacy.*Client\", method = \"fetch*\", retry { max-attempts = 9 } } ]",
                "bulwark.methods { \"com.acme.legacy.PriceClient#quote\" { timeout { value = 5s } } }");
        BulwarkConfig widened = fixture.load(
                "bulwark.instrument = [ { class = \"com.acme.legacy.*Client\", method = \"*\", retry { max-attempts = 4 } } ]",
                "bulwark.methods { \"com.acme.legacy.PriceClient#quote\" { timeout { value = 2s } } }");
        BulwarkConfig withoutMethodsEntry = fixture.load(
                "bulwark.instrument = [ { class = \"com.acme.legacy.*Client\", method = \"fetch*\", retry { max-attempts = 4 } } ]");

        String client = "com.acme.legacy.PriceClient";
        assertThat(before.methodSelectors(client))
                .containsExactly("instrument method = fetch*", "methods com.acme.legacy.PriceClient#quote");
        assertThat(retuned.methodSelectors(client)).isEqualTo(before.methodSelectors(client));
        assertThat(widened.methodSelectors(client)).isNotEqualTo(before.methodSelectors(client));
        assertThat(withoutMethodsEntry.methodSelectors(client)).isNotEqualTo(before.methodSelectors(client));
        assertThat(before.methodSelectors("org.other.Thing")).isEmpty();
        assertThat(retuned.selectsAlike(before)).isTrue();
        assertThat(widened.selectsAlike(before)).isFalse();
        assertThat(withoutMethodsEntry.selectsAlike(before)).isFalse();
        assertThat(fixture.problems).isEmpty();
    }

    @Test
    void theHotReloadAndReportKeysHaveDefaultsAndCanBeChanged() {
        BulwarkConfig defaults = fixture.load();
        assertThat(defaults.reloadIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(defaults.unmatchedReportNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(60));

        BulwarkConfig changed = fixture.load("bulwark { reload-interval = 0, unmatched-instrument-report = 5s, enabled = false }");
        assertThat(changed.reloadIntervalNanos()).isZero();
        assertThat(changed.unmatchedReportNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        assertThat(changed.enabled()).isFalse();
        assertThat(fixture.problems).isEmpty();
    }
}
