package dev.bulwark.agent.config;

import dev.bulwark.agent.telemetry.SpanMode;

import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.retry.RetrySpec;
import dev.bulwark.agent.policy.timeout.TimeoutSpec;
import dev.bulwark.annotations.Backoff;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.bulwark.agent.config.ConfigFixture.declared;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad config input (docs/configuration.md, "Errors"; issue 6 item 4): each kind gives one problem naming the
 * key, the file and line, and what was expected; the block it is in is set aside, so that policy falls back to
 * its defaults.
 */
class ConfigProblemsTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private String file() {
        return dir.resolve("bulwark.conf").toString();
    }

    private RetrySpec retryOfCharge(BulwarkConfig config) {
        return config.resolve("com.acme.Billing", "charge", declared(PolicyKind.RETRY, ""))
                .spec(PolicyKind.RETRY, RetrySpec.class);
    }

    private ConfigProblem onlyProblem() {
        assertThat(fixture.problems).as("%s", fixture.problems).hasSize(1);
        return fixture.problems.get(0);
    }

    @Test
    void anUnknownKeyInAPolicyBlock() {
        BulwarkConfig config = fixture.load(
                "bulwark.defaults.retry {",
                "  max-attempts = 5",
                "  max-atempts = 6",
                "}");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.defaults.retry.max-atempts");
        assertThat(problem.origin()).isEqualTo(file() + ": 3");
        assertThat(problem.toString()).contains("expected one of [", "max-attempts", "found unknown key 'max-atempts'");
        assertThat(retryOfCharge(config).maxAttempts()).as("the whole block is set aside").isEqualTo(3);
    }

    @Test
    void theAsyncExecutorSizeIsReadAndANegativeOneIsReportedAndSetAside() {
        assertThat(fixture.load("bulwark.async.threads = 3").asyncThreads()).isEqualTo(3);
        assertThat(fixture.problems).isEmpty();

        BulwarkConfig config = fixture.load("bulwark.async.threads = -2");
        assertThat(fixture.problems).extracting(ConfigProblem::key).containsExactly("bulwark.async.threads");
        assertThat(config.asyncThreads()).as("the default: chosen from the processors").isZero();
    }

    @Test
    void spansTakeAModeAndTheOldBooleansStillWork() {
        assertThat(fixture.load("bulwark.otel.spans = eventful").spans()).isEqualTo(SpanMode.EVENTFUL);
        assertThat(fixture.load("bulwark.otel.spans = off").spans()).isEqualTo(SpanMode.OFF);
        assertThat(fixture.load("bulwark.otel.spans = all").spans()).isEqualTo(SpanMode.ALL);
        assertThat(fixture.load("bulwark.otel.spans = true").spans()).isEqualTo(SpanMode.ALL);
        assertThat(fixture.load("bulwark.otel.spans = false").spans()).isEqualTo(SpanMode.OFF);
        assertThat(fixture.problems).isEmpty();

        BulwarkConfig config = fixture.load("bulwark.otel.spans = some");
        assertThat(fixture.problems).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("bulwark.otel.spans");
            assertThat(problem.toString()).contains("all, eventful or off");
        });
        assertThat(config.spans()).isEqualTo(SpanMode.ALL);
    }

    @Test
    void anUnknownTopLevelKeyAndAnUnknownOtelKey() {
        BulwarkConfig config = fixture.load(
                "bulwark {",
                "  enable = false",
                "  otel { metric = false }",
                "}");

        assertThat(fixture.problems).as("%s", fixture.problems).extracting(ConfigProblem::key)
                .containsExactlyInAnyOrder("bulwark.enable", "bulwark.otel.metric");
        assertThat(fixture.problems).extracting(ConfigProblem::origin).containsExactlyInAnyOrder(file() + ": 2", file() + ": 3");
        assertThat(config.enabled()).isTrue();
        assertThat(config.metricsEnabled()).isTrue();
    }

    @Test
    void anUnknownPolicyBlockNameInMethodsPoliciesInstrumentAndDefaults() {
        fixture.load(
                "bulwark {",
                "  defaults { retries { max-attempts = 2 } }",
                "  policies { payments { breaker { failure-rate-threshold = 10 } } }",
                "  methods { \"com.acme.Billing#charge\" { time-out { value = 1s } } }",
                "  instrument = [ { class = \"com.acme.*\", rate-limit { permits = 1 }, retry {} } ]",
                "}");

        assertThat(fixture.problems).as("%s", fixture.problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "bulwark.defaults.retries", "bulwark.policies.payments.breaker",
                "bulwark.methods.\"com.acme.Billing#charge\".time-out", "bulwark.instrument[0].rate-limit");
        assertThat(fixture.problems).extracting(ConfigProblem::origin).containsExactlyInAnyOrder(
                file() + ": 2", file() + ": 3", file() + ": 4", file() + ": 5");
        assertThat(fixture.problems.get(0).toString()).contains("expected a policy block: one of fallback, retry, circuit-breaker");
    }

    @Test
    void theUnwrapListIsReadAndANameThatIsNotAClassIsReported() {
        assertThat(fixture.load("bulwark.unwrap = [\"java.lang.RuntimeException\"]").unwrap())
                .containsExactly("java.lang.RuntimeException");
        assertThat(fixture.problems).isEmpty();

        BulwarkConfig config = fixture.load("bulwark.unwrap = [\"not a class\"]");
        assertThat(onlyProblem().key()).isEqualTo("bulwark.unwrap");
        assertThat(config.unwrap()).contains("java.util.concurrent.CompletionException");
    }

    @Test
    void aDelayFromThatIsNotHashExceptionDotGetter() {
        BulwarkConfig config = fixture.load("bulwark.defaults.retry { delay-from = \"#0.retryAfter\", max-attempts = 4 }");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.defaults.retry.delay-from");
        assertThat(problem.origin()).isEqualTo(file() + ": 1");
        assertThat(problem.toString()).contains("\"#exception.getter\"", "found \"#0.retryAfter\"");
        assertThat(retryOfCharge(config).delayFrom()).isEmpty();

        assertThat(retryOfCharge(fixture.load("bulwark.defaults.retry.delay-from = \"#exception.retryAfter\"")).delayFrom())
                .isEqualTo("#exception.retryAfter");
    }

    @Test
    void aRetryTakesTheSettingsOfTheBudgetItNamesAndKeysLeftOutTakeTheirDefaults() {
        BulwarkConfig config = fixture.load(
                "bulwark.retry-budgets.payments { ratio = 0.2, window = 30s }",
                "bulwark.defaults.retry.budget = payments");

        assertThat(fixture.problems).isEmpty();
        RetryBudgetSpec budget = retryOfCharge(config).budgetSpec();
        assertThat(budget.name()).isEqualTo("payments");
        assertThat(budget.ratio()).isEqualTo(0.2);
        assertThat(budget.minPerSecond()).isEqualTo(RetryBudgetSpec.DEFAULT_MIN_PER_SECOND);
        assertThat(budget.windowNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void aBudgetThatIsNotDefinedIsReportedAndTheRetryRunsWithoutOne() {
        BulwarkConfig config = fixture.load(
                "bulwark.retry-budgets.payments { ratio = 0.2 }",
                "bulwark.defaults.retry { budget = paymnets, max-attempts = 4 }");

        RetrySpec retry = retryOfCharge(config);
        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("retry.budget");
        assertThat(problem.toString()).contains("bulwark.retry-budgets", "[payments]", "found \"paymnets\"");
        assertThat(retry.budgetSpec()).isNull();
        assertThat(retry.maxAttempts()).isEqualTo(4);
        config.resolve("com.acme.Billing", "refund", declared(PolicyKind.RETRY, ""));
        assertThat(fixture.problems).as("the defaults block's name, reported once, not once per method").hasSize(1);
    }

    @Test
    void aBadBudgetValueIsReportedAndKeepsItsDefault() {
        BulwarkConfig config = fixture.load(
                "bulwark.retry-budgets.payments { ratio = -1, min-per-second = 3, window = 10ms, burst = 2 }",
                "bulwark.defaults.retry.budget = payments");

        assertThat(fixture.problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "bulwark.retry-budgets.payments.ratio", "bulwark.retry-budgets.payments.window",
                "bulwark.retry-budgets.payments.burst");
        RetryBudgetSpec budget = retryOfCharge(config).budgetSpec();
        assertThat(budget.ratio()).isEqualTo(RetryBudgetSpec.DEFAULT_RATIO);
        assertThat(budget.minPerSecond()).isEqualTo(3);
        assertThat(budget.windowNanos()).isEqualTo(RetryBudgetSpec.DEFAULT_WINDOW_NANOS);
    }

    @Test
    void aBudgetWindowLongerThanAnHourIsReportedWithItsBoundsAndKeepsItsDefault() {
        BulwarkConfig config = fixture.load(
                "bulwark.retry-budgets.payments { window = 3650d }",
                "bulwark.defaults.retry.budget = payments");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.retry-budgets.payments.window");
        assertThat(problem.toString()).contains("a duration from 1s to 1h", "3650d");
        assertThat(retryOfCharge(config).budgetSpec().windowNanos()).isEqualTo(RetryBudgetSpec.DEFAULT_WINDOW_NANOS);
    }

    @Test
    void aWrongType() {
        BulwarkConfig config = fixture.load("bulwark.defaults.retry { max-attempts = many, delay = 10ms }");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.defaults.retry.max-attempts");
        assertThat(problem.origin()).isEqualTo(file() + ": 1");
        assertThat(problem.toString()).contains("expected an integer from 1 to 10000, found string \"many\"");
        assertThat(retryOfCharge(config).delayNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void anOutOfRangeValue() {
        BulwarkConfig config = fixture.load(
                "bulwark.policies.payments.circuit-breaker {",
                "  wait-in-open = 5s",
                "  failure-rate-threshold = 150",
                "}");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.policies.payments.circuit-breaker.failure-rate-threshold");
        assertThat(problem.origin()).isEqualTo(file() + ": 3");
        assertThat(problem.toString()).contains("expected an integer from 1 to 100, found 150");
        CircuitBreakerSpec spec = config.resolve("com.acme.Billing", "charge", declared(PolicyKind.CIRCUIT_BREAKER, "name = payments"))
                .spec(PolicyKind.CIRCUIT_BREAKER, CircuitBreakerSpec.class);
        assertThat(spec.failureRateThreshold()).isEqualTo(50);
        assertThat(spec.waitInOpenNanos()).as("the named policy's block is set aside").isEqualTo(TimeUnit.SECONDS.toNanos(30));
    }

    @Test
    void anAdaptiveTimeoutsSettingsAreReadAndABadPercentileIsReportedWithItsPath() {
        BulwarkConfig good = fixture.load(
                "bulwark.defaults.timeout.adaptive { enabled = true, percentile = 95, min-calls = 20, window = 10s }");
        TimeoutSpec spec = good.resolve("com.acme.Billing", "charge", declared(PolicyKind.TIMEOUT, "value = 2s"))
                .spec(PolicyKind.TIMEOUT, TimeoutSpec.class);
        assertThat(fixture.problems).isEmpty();
        assertThat(spec.adaptive()).isTrue();
        assertThat(spec.adaptivePercentile()).isEqualTo(95.0);
        assertThat(spec.adaptiveMinCalls()).isEqualTo(20);
        assertThat(spec.adaptiveWindowNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(spec.adaptiveMultiplier()).as("a key left out keeps its default").isEqualTo(1.5);

        fixture = new ConfigFixture(dir);
        fixture.load(
                "bulwark.defaults.timeout.adaptive {",
                "  percentile = 150",
                "}");
        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.defaults.timeout.adaptive.percentile");
        assertThat(problem.origin()).isEqualTo(file() + ": 2");
        assertThat(problem.toString()).contains("expected a percentile above 0 and at most 100, found 150");
    }

    @Test
    void aBreakerKeyThatIsNoArgumentIsReported() {
        fixture.load("bulwark.policies.payments.circuit-breaker { key = \"host\" }");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.policies.payments.circuit-breaker.key");
        assertThat(problem.toString()).contains("\"#N\" or \"#N.getter\"");
    }

    @Test
    void anUnknownEnumName() {
        BulwarkConfig config = fixture.load("bulwark.methods { \"com.acme.Billing#charge\" { retry { backoff = quadratic } } }");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.methods.\"com.acme.Billing#charge\".retry.backoff");
        assertThat(problem.origin()).isEqualTo(file() + ": 1");
        assertThat(problem.toString()).contains("expected one of [FIXED, LINEAR, EXPONENTIAL, FIBONACCI], found \"quadratic\"");
        RetrySpec retry = config.resolve("com.acme.Billing", "charge", declared(PolicyKind.RETRY, "backoff = LINEAR"))
                .spec(PolicyKind.RETRY, RetrySpec.class);
        assertThat(retry.backoff()).as("the annotation's value stays").isEqualTo(Backoff.LINEAR);
    }

    @Test
    void aDurationThatDoesNotParse() {
        BulwarkConfig config = fixture.load(
                "bulwark.instrument = [",
                "  { class = \"com.acme.Billing\", method = charge,",
                "    retry { delay = soon } }",
                "]");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.instrument[0].retry.delay");
        assertThat(problem.origin()).isEqualTo(file() + ": 3");
        assertThat(problem.toString()).contains("expected a duration such as 250ms, 2s or 1m, found string \"soon\"");
        assertThat(config.instrumentRules()).hasSize(1);
        RetrySpec retry = config.resolve("com.acme.Billing", "charge", config.instrumentRules().get(0).blocks())
                .spec(PolicyKind.RETRY, RetrySpec.class);
        assertThat(retry.delayNanos()).as("the entry still protects the method, with defaults").isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void aDurationBelowItsBoundSaysTheBoundAsItIsWritten() {
        fixture.load(
                "bulwark.defaults {",
                "  timeout { value = 0 }",
                "  rate-limiter { period = 500us }",
                "  retry { delay = -1s }",
                "}");

        assertThat(fixture.problems).as("%s", fixture.problems).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                file() + ": 2: 'bulwark.defaults.timeout.value' expected a duration greater than 0, found 0",
                file() + ": 3: 'bulwark.defaults.rate-limiter.period' expected a duration of at least 1ms, found \"500us\"",
                file() + ": 4: 'bulwark.defaults.retry.delay' expected a duration of 0 or more, found \"-1s\"");
    }

    @Test
    void aMissingFile() {
        fixture.agentArguments = "config=" + dir.resolve("absent.conf");
        BulwarkConfig config = fixture.load();

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("config");
        assertThat(problem.toString()).isEqualTo(dir.resolve("absent.conf") + " (from agent argument config=): 'config' expected "
                + "a readable HOCON file, found no such file");
        assertThat(config.source()).contains("built-in defaults");
        assertThat(retryOfCharge(config).maxAttempts()).isEqualTo(3);
    }

    @Test
    void aFileThatDoesNotParse() {
        BulwarkConfig config = fixture.load(
                "bulwark {",
                "  defaults.retry { max-attempts = 5 ",
                "}}}");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("config");
        assertThat(problem.origin()).isEqualTo(file() + ": 3");
        assertThat(retryOfCharge(config).maxAttempts()).isEqualTo(3);
    }

    @Test
    void aBadSystemPropertyNamesTheProperty() {
        fixture.properties.setProperty("bulwark.defaults.timeout.value", "whenever");
        fixture.load();

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("bulwark.defaults.timeout.value");
        assertThat(problem.origin()).isEqualTo("system property bulwark.defaults.timeout.value");
    }

    @Test
    void aBadSystemPropertyIsReportedOnceAndSetAsideSoTheFileStillReloads() {
        fixture.properties.setProperty("bulwark.defaults.timeout.value", "whenever");
        fixture.properties.setProperty("bulwark.defaults.retry.delay", "7ms");
        BulwarkConfig config = fixture.load("bulwark.defaults.timeout { value = 3s }");

        ConfigProblem problem = onlyProblem();
        assertThat(problem.origin()).isEqualTo("system property bulwark.defaults.timeout.value");
        assertThat(problem.outcome()).isEqualTo("the system property is set aside: ignored until the JVM restarts, reloads included");
        assertThat(config.setAsideProperties()).containsExactly("bulwark.defaults.timeout.value");
        assertThat(timeoutOfCharge(config)).as("the file's block, not set aside with the property").isEqualTo(TimeUnit.SECONDS.toNanos(3));

        fixture.file("bulwark.conf", "bulwark.defaults.timeout { value = 4s }");
        List<ConfigProblem> reloadProblems = new ArrayList<>();
        BulwarkConfig reloaded = config.reload(reloadProblems::add);

        assertThat(reloadProblems).as("the property is not reported again").isEmpty();
        assertThat(timeoutOfCharge(reloaded)).isEqualTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(retryOfCharge(reloaded).delayNanos()).as("a good property still applies").isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
        assertThat(reloaded.setAsideProperties()).containsExactly("bulwark.defaults.timeout.value");
    }

    private static long timeoutOfCharge(BulwarkConfig config) {
        return config.resolve("com.acme.Billing", "charge", declared(PolicyKind.TIMEOUT, ""))
                .spec(PolicyKind.TIMEOUT, TimeoutSpec.class).timeoutNanos();
    }

    @Test
    void aBadAnnotationValueIsReportedWhenResolvedAndSetAside() {
        BulwarkConfig config = fixture.load("bulwark.defaults.retry.max-attempts = 6");

        RetrySpec retry = config.resolve("com.acme.Billing", "charge", declared(PolicyKind.RETRY, "delay = \"1 fortnight\", name = billing"))
                .spec(PolicyKind.RETRY, RetrySpec.class);

        ConfigProblem problem = onlyProblem();
        assertThat(problem.key()).isEqualTo("retry.delay");
        assertThat(problem.origin()).isEqualTo("@retry annotation: 1");
        assertThat(retry.maxAttempts()).isEqualTo(6);
        assertThat(retry.name()).isEqualTo("billing");
    }

    @Test
    void aBadInstrumentEntryIsReportedAndDropped() {
        BulwarkConfig config = fixture.load(
                "bulwark.instrument = [",
                "  { class = \"com/acme/Billing\", retry {} }",
                "  { class = \"com.acme.Billing\" }",
                "  { class = \"com.acme.Billing\", fallback { apply-on = [java.io.IOException] } }",
                "]");

        assertThat(fixture.problems).as("%s", fixture.problems).extracting(ConfigProblem::key).containsExactly(
                "bulwark.instrument[0].class", "bulwark.instrument[1]", "bulwark.instrument[2].fallback.method");
        assertThat(config.instrumentRules()).isEmpty();
    }
}
