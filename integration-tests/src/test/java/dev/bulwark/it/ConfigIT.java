package dev.bulwark.it;

import dev.bulwark.it.app.config.ConfigScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Configuration through the agent: config sources, instrument entries, overrides, bad input, hot reload. */
class ConfigIT {
    private static final long STDERR_WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    private static Path fixture(String name) {
        try {
            return Paths.get(ConfigScenarios.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ScenarioResult run(AgentJvm jvm, String scenario) throws Exception {
        return jvm.run(ConfigScenarios.class, scenario);
    }

    private static int occurrences(String text, String fragment) {
        Matcher matcher = Pattern.compile(Pattern.quote(fragment)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    // ---- instrument entries, methods entries, -D overrides, the three ways to name the file

    @Test
    void instrumentEntriesProtectClassesWithoutAnnotations() throws Exception {
        ScenarioResult result = run(AgentJvm.withAgent().agentArguments("config=" + fixture("instrument.conf")), "instrumentEntries");

        assertThat(result.get("fetchStock")).as("class glob *, method glob fetch*: retried")
                .isEqualTo("returned:pear in stock after 4 calls");
        assertThat(result.getInt("fetchStockCalls")).isEqualTo(4);
        assertThat(result.get("fetchPrice")).as("fallback by method name")
                .isEqualTo("returned:cached pear (price service down)");
        assertThat(result.getInt("fetchPriceCalls")).isEqualTo(4);
        assertThat(result.get("store")).as("the method glob leaves store() alone").isEqualTo("threw:IllegalStateException:store failed");
        assertThat(result.getInt("storeCalls")).isEqualTo(1);
        assertThat(result.getInt("deepFetchStockCalls")).as("* does not cross package segments").isEqualTo(1);
        assertThat(result.get("deepQuote")).as("** crosses package segments").startsWith("threw:TimeoutExceededException");
        assertThat(result.get("charge2")).isEqualTo("threw:IllegalStateException:payments down");
        assertThat(result.get("refund")).as("the named shared policy opened after its window of 2")
                .isEqualTo("threw:CircuitOpenException:circuit breaker 'shared-breaker' is open");
        assertThat(result.getInt("refundCalls")).isZero();
        assertThat(result.get("sharedBreaker")).isEqualTo("OPEN");
        assertThat(result.stderr()).contains("started, config: " + fixture("instrument.conf") + " (from agent argument config=)")
                .doesNotContain("ERROR").doesNotContain("WARN");
    }

    @Test
    void withoutAConfigTheLegacyClassesRunUnprotected() throws Exception {
        ScenarioResult result = run(AgentJvm.withAgent(), "legacyCalls");

        assertThat(result.getInt("fetchStockCalls")).isEqualTo(1);
        assertThat(result.get("fetchPrice")).isEqualTo("threw:IllegalStateException:price service down");
    }

    @Test
    void aMethodsEntryOverridesTheAnnotationWithoutRecompiling() throws Exception {
        ScenarioResult annotationOnly = run(AgentJvm.withAgent(), "annotatedMethod");
        assertThat(annotationOnly.getInt("flakyCalls")).isEqualTo(2);

        ScenarioResult overridden = run(AgentJvm.withAgent().agentArguments("config=" + fixture("methods.conf")), "annotatedMethod");
        assertThat(overridden.get("flaky")).isEqualTo("returned:ok after 5");
        assertThat(overridden.getInt("flakyCalls")).isEqualTo(5);
    }

    @Test
    void aSystemPropertyOverridesTheAnnotationAndTheFile() throws Exception {
        String key = "-Dbulwark.methods.\"dev.bulwark.it.app.config.Annotated#flaky\".retry.max-attempts=";

        ScenarioResult withoutFile = run(AgentJvm.withAgent().option(key + "5"), "annotatedMethod");
        assertThat(withoutFile.getInt("flakyCalls")).isEqualTo(5);

        ScenarioResult overFile = run(AgentJvm.withAgent().agentArguments("config=" + fixture("methods.conf")).option(key + "3"),
                "annotatedMethod");
        assertThat(overFile.get("flaky")).isEqualTo("threw:IllegalStateException:attempt 3");
        assertThat(overFile.getInt("flakyCalls")).isEqualTo(3);
    }

    @Test
    void theFileCanBeNamedBySystemProperty() throws Exception {
        ScenarioResult result = run(AgentJvm.withAgent().option("-Dbulwark.config=" + fixture("methods.conf")), "annotatedMethod");

        assertThat(result.getInt("flakyCalls")).isEqualTo(5);
        assertThat(result.stderr()).contains("config: " + fixture("methods.conf") + " (from system property bulwark.config)");
    }

    @Test
    void theFileCanBeNamedByTheEnvironment() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("BULWARK_CONFIG", fixture("methods.conf").toString());
        Launched launched = Launched.start(AgentJvm.withAgent(), "annotatedMethod", environment, dir);
        ScenarioResult result = launched.finish();

        assertThat(result.getInt("flakyCalls")).isEqualTo(5);
        assertThat(launched.stderr()).contains("config: " + fixture("methods.conf") + " (from environment variable BULWARK_CONFIG)");
    }

    @Test
    void theSampleAppsConfigAloneProtectsItsLegacyClient() throws Exception {
        Path sampleConfig = Paths.get("..", "sample-app", "bulwark.conf").toAbsolutePath().normalize();
        String classPath = AgentJvm.location(dev.bulwark.sample.SampleApp.class) + java.io.File.pathSeparator
                + AgentJvm.annotationsLocation();

        ScenarioResult result = AgentJvm.withAgent().agentArguments("config=" + sampleConfig).classPath(classPath)
                .option("-Dsample.port=0").run(dev.bulwark.sample.SampleApp.class, "--demo");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).containsPattern("pear +backend calls 3 +pear costs \\d+ cents \\(backend, call 3\\)")
                .containsPattern("fig +backend calls 4 +fig costs unknown \\(cached: ");
        assertThat(result.stderr()).doesNotContain("ERROR");
    }

    // ---- bad input: one clear error each; the policy falls back to its defaults; the application runs

    /**
     * The instrument entry gives {@code submit} a retry of 2 attempts; with a bad value in that block the block is
     * set aside, so the entry still protects the method with the default retry: 3 attempts.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown key     | max-atempts = 2     | max-atempts  | one of [",
            "wrong type      | max-attempts = many | max-attempts | expected an integer from 1 to 10000, found string \"many\"",
            "out of range    | max-attempts = 0    | max-attempts | expected an integer from 1 to 10000, found 0",
            "unknown enum    | backoff = quadratic | backoff      | expected one of [FIXED, LINEAR, EXPONENTIAL, FIBONACCI], found \"quadratic\"",
            "bad duration    | delay = soon        | delay        | expected a duration such as 250ms, 2s or 1m, found string \"soon\""})
    void aBadValueIsReportedOnceWithKeyFileAndLineAndThePolicyKeepsItsDefaults(String kind, String badLine, String key,
                                                                             String expected) throws Exception {
        Path file = Files.write(dir.resolve("bad.conf"), String.join("\n",
                "bulwark.instrument = [",
                "  { class = \"dev.bulwark.it.app.config.legacy.OrderClient\", method = submit, retry {",
                "      max-attempts = 2, jitter = none",
                "      " + badLine,
                "  } }",
                "]").getBytes(StandardCharsets.UTF_8));

        ScenarioResult result = run(AgentJvm.withAgent().agentArguments("config=" + file), "orderSubmit");

        String error = "[bulwark] ERROR config: " + file + ": 4: 'bulwark.instrument[0].retry." + key + "' expected ";
        assertThat(result.stderr()).contains(error).contains(expected);
        assertThat(occurrences(result.stderr(), "[bulwark] ERROR")).as(result.stderr()).isEqualTo(1);
        assertThat(result.get("submit")).isEqualTo("threw:IllegalStateException:orders down");
        assertThat(result.getInt("submitCalls")).as("the default retry of 3 attempts").isEqualTo(3);
    }

    @Test
    void aMissingFileIsReportedAndTheApplicationRunsWithTheDefaults() throws Exception {
        Path missing = dir.resolve("nowhere.conf");

        ScenarioResult result = run(AgentJvm.withAgent().agentArguments("config=" + missing), "annotatedMethod");

        assertThat(result.stderr()).contains("[bulwark] ERROR config: " + missing
                + " (from agent argument config=): 'config' expected a readable HOCON file, found no such file");
        assertThat(occurrences(result.stderr(), "[bulwark] ERROR")).isEqualTo(1);
        assertThat(result.getInt("flakyCalls")).as("the annotation still applies").isEqualTo(2);
    }

    // ---- an instrument entry that matched nothing

    @Test
    void anInstrumentEntryThatMatchedNothingIsReportedOnce() throws Exception {
        Path file = dir.resolve("unmatched.conf");
        Files.copy(fixture("unmatched.conf"), file);
        Launched launched = Launched.start(AgentJvm.withAgent().agentArguments("config=" + file), "staysUpUntilTold", Map.of(), dir);
        launched.running.awaitOutput("running");
        launched.awaitStderr("OrderClient\", method = \"sumbit\" }");
        launched.awaitStderr("OrderClint\", method = \"submit\" }");
        // A reload reads the same entries again: they are not reported a second time.
        Files.write(file, "\n# touched\n".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        launched.awaitStderr("config reloaded");
        launched.running.send("stop");
        ScenarioResult result = launched.finish();

        String stderr = launched.stderr();
        assertThat(result.getInt("submitCalls")).isEqualTo(2);
        assertThat(occurrences(stderr, "OrderClint\", method = \"submit\" } at " + file + ": 6 has matched no class loaded so far"))
                .as(stderr).isEqualTo(1);
        assertThat(occurrences(stderr, "OrderClient\", method = \"sumbit\" } at " + file + ": 7 matched classes but none of their methods"))
                .as(stderr).isEqualTo(1);
        assertThat(stderr).doesNotContain("method = \"submit\" } at " + file + ": 5");
    }

    // ---- hot reload

    @Test
    void aChangedFileIsAppliedWithoutRestartBreakersKeepStateAndABadFileIsRefused() throws Exception {
        Path file = dir.resolve("reload.conf");
        writeReloadConfig(file, "2", "2", "2");
        Launched launched = Launched.start(AgentJvm.withAgent().agentArguments("config=" + file), "hotReload", Map.of(), dir);

        launched.running.awaitOutput("loaded");
        writeReloadConfig(file, "4", "3", "2");
        launched.running.send("next");

        launched.running.awaitOutput("retry-changed");
        writeReloadConfig(file, "\"lots\"", "3", "2");
        launched.awaitStderr("refused; the last good config stays in force");
        launched.running.send("next");

        launched.running.awaitOutput("bad-file-refused");
        writeReloadConfig(file, "3", "3", "10");
        launched.running.send("next");
        ScenarioResult result = launched.finish();

        System.out.println("config reload took effect after " + result.get("reloadMillis") + " ms and "
                + result.get("breakerReloadMillis") + " ms");
        assertThat(result.getInt("submitBeforeCalls")).isEqualTo(2);
        assertThat(result.get("breakerBefore")).isEqualTo("OPEN");

        assertThat(result.getLong("reloadMillis")).as("applied within 15s").isNotNegative();
        assertThat(result.getInt("submitAfterReloadCalls")).isEqualTo(4);
        assertThat(result.get("breakerAfterRetryChange")).as("the breaker's settings did not change: it keeps its state")
                .isEqualTo("OPEN");
        assertThat(result.get("guardedAfterRetryChange")).startsWith("threw:CircuitOpenException");

        assertThat(result.getInt("submitAfterBadReloadCalls")).as("the last good config stays").isEqualTo(4);
        assertThat(launched.stderr()).contains("'bulwark.instrument[0].retry.max-attempts' expected an integer from 1 to 10000");

        assertThat(result.getLong("breakerReloadMillis")).isNotNegative();
        assertThat(result.get("breakerAfterItsOwnChange")).as("a breaker whose settings changed starts afresh")
                .isEqualTo("CLOSED");
        assertThat(result.get("guardedAfterItsOwnChange")).isEqualTo("threw:IllegalStateException:orders down");
        assertThat(result.getInt("guardedAfterItsOwnChangeCalls")).isEqualTo(3);
    }

    /**
     * A bad {@code -Dbulwark.*} value is reported once, at start, and set aside: every later reload of the file
     * reads the file without it, instead of finding it bad again and refusing even a perfect file.
     */
    @Test
    void aBadSystemPropertyIsReportedOnceAndTheFileStillReloads() throws Exception {
        Path file = dir.resolve("reload.conf");
        writeReloadConfig(file, "2", "2", "2");
        Launched launched = Launched.start(AgentJvm.withAgent().agentArguments("config=" + file)
                .option("-Dbulwark.defaults.timeout.value=whenever"), "staysUpUntilTold", Map.of(), dir);
        launched.running.awaitOutput("running");
        writeReloadConfig(file, "4", "3", "2");
        launched.awaitStderr("config reloaded from " + file);
        writeReloadConfig(file, "5", "3", "2");
        launched.awaitStderr("config reloaded from " + file, 2);
        launched.running.send("stop");
        launched.finish();

        String stderr = launched.stderr();
        assertThat(occurrences(stderr, "system property bulwark.defaults.timeout.value")).as(stderr).isEqualTo(1);
        assertThat(stderr).contains("found string \"whenever\"; the system property is set aside: ignored until the JVM"
                + " restarts, reloads included");
        assertThat(stderr).doesNotContain("refused");
    }

    /**
     * A reload weaves the loaded classes whose selected methods it changes again, from their original bytes:
     * a legacy class loaded before its entry existed, and the unannotated method of an annotated class, whose
     * annotated method keeps its one retry (woven twice, it would retry its retries). Taking the entries away
     * leaves the methods as they were written.
     */
    @Test
    void aReloadWeavesLoadedClassesItNowSelectsAndUnweavesThoseItNoLongerSelects() throws Exception {
        Path file = dir.resolve("reweave.conf");
        writeReweaveConfig(file, false);
        Launched launched = Launched.start(AgentJvm.withAgent().agentArguments("config=" + file), "reweaveOnReload", Map.of(), dir);
        launched.running.awaitOutput("loaded");
        writeReweaveConfig(file, true);
        launched.running.send("next");
        launched.running.awaitOutput("woven");
        writeReweaveConfig(file, false);
        launched.running.send("next");
        launched.running.awaitOutput("unwoven");
        // The scenario sees the classes woven again before the reload has said so.
        launched.awaitStderr("config reload: woven again 2 loaded classes whose selected methods changed: ", 2);
        launched.running.send("next");
        ScenarioResult result = launched.finish();

        assertThat(result.get("fetchStockBefore")).startsWith("threw:IllegalStateException");
        assertThat(result.getInt("fetchStockBeforeCalls")).isEqualTo(1);
        assertThat(result.getInt("flakyBeforeCalls")).isEqualTo(2);
        assertThat(result.getInt("plainBeforeCalls")).isEqualTo(1);

        assertThat(result.getLong("wovenMillis")).as("woven within 15s").isNotNegative();
        assertThat(result.get("fetchStockWoven")).isEqualTo("returned:pear in stock after 4 calls");
        assertThat(result.getInt("flakyWovenCalls")).as("the annotated method is woven once").isEqualTo(2);
        assertThat(result.get("plainWoven")).isEqualTo("returned:ok after 2");
        // Weaving InventoryClient again must not load the class its reserve(Reservation) names.
        assertThat(result.get("reservationAfterReload")).isEqualTo("returned:confirmed after 3 calls");

        assertThat(result.getLong("unwovenMillis")).as("unwoven within 15s").isNotNegative();
        assertThat(result.getInt("fetchStockUnwovenCalls")).isEqualTo(1);
        assertThat(result.getInt("flakyUnwovenCalls")).as("the annotation stays").isEqualTo(2);
        assertThat(result.getInt("plainUnwovenCalls")).isEqualTo(1);

        String stderr = launched.stderr();
        assertThat(occurrences(stderr, "config reload: woven again 2 loaded classes whose selected methods changed: "))
                .as(stderr).isEqualTo(2);
        assertThat(occurrences(stderr, "config reloaded from " + file + ": 3 call sites changed"))
                .as("fetchStock, fetchPrice and plain, woven by the first reload and given no policy by the second: %s", stderr)
                .isEqualTo(2);
        assertThat(stderr).doesNotContain("ERROR");
    }

    private static void writeReweaveConfig(Path file, boolean withEntries) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        String retry = "retry { max-attempts = 4, delay = 1ms, jitter = none }";
        Files.write(next, String.join("\n",
                "bulwark {",
                "  reload-interval = 100ms",
                "  instrument = [",
                withEntries ? "    { class = \"dev.bulwark.it.app.config.legacy.InventoryClient\", method = \"fetch*\", " + retry + " }" : "",
                withEntries ? "    { class = \"dev.bulwark.it.app.config.Annotated\", method = plain, " + retry + " }" : "",
                "  ]",
                "}").getBytes(StandardCharsets.UTF_8));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeReloadConfig(Path file, String submitAttempts, String guardedAttempts, String window)
            throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, String.join("\n",
                "bulwark {",
                "  reload-interval = 100ms",
                "  instrument = [",
                "    { class = \"dev.bulwark.it.app.config.legacy.OrderClient\", method = submit,",
                "      retry { max-attempts = " + submitAttempts + ", delay = 1ms, jitter = none } }",
                "    { class = \"dev.bulwark.it.app.config.legacy.OrderClient\", method = guarded,",
                "      retry { max-attempts = " + guardedAttempts + ", delay = 1ms, jitter = none, retry-on = [java.lang.IllegalStateException] }",
                "      circuit-breaker { name = order-breaker, wait-in-open = 1m, window-size = " + window
                        + ", minimum-calls = " + window + " } }",
                "  ]",
                "}").getBytes(StandardCharsets.UTF_8));
        // An editor's atomic save: the watcher never reads half a file.
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A scenario JVM whose standard error goes to a file the test can watch while it runs. */
    private static final class Launched {
        final AgentJvm.Running running;
        final Path stderrFile;

        private Launched(AgentJvm.Running running, Path stderrFile) {
            this.running = running;
            this.stderrFile = stderrFile;
        }

        static Launched start(AgentJvm jvm, String scenario, Map<String, String> environment, Path dir) throws IOException {
            assumeTrue(Files.isRegularFile(AgentJvm.AGENT_JAR), "the agent jar is not built: " + AgentJvm.AGENT_JAR);
            Path stderrFile = Files.createTempFile(dir, "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(jvm.command(ConfigScenarios.class, scenario)).redirectError(stderrFile.toFile());
            builder.environment().putAll(environment);
            return new Launched(new AgentJvm.Running(builder.start()), stderrFile);
        }

        String stderr() throws IOException {
            return new String(Files.readAllBytes(stderrFile), StandardCharsets.UTF_8);
        }

        void awaitStderr(String fragment) throws IOException, InterruptedException {
            awaitStderr(fragment, 1);
        }

        void awaitStderr(String fragment, int times) throws IOException, InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STDERR_WAIT_SECONDS);
            while (occurrences(stderr(), fragment) < times) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("the scenario's standard error never contained '" + fragment + "' "
                            + times + " times:\n" + stderr());
                }
                Thread.sleep(50);
            }
        }

        ScenarioResult finish() throws InterruptedException {
            return running.finish();
        }
    }
}
