package dev.bulwark.it;

import dev.bulwark.it.app.client.RealClientScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Config-only protection of clients that return their failures: a third-party HTTP client's method retried on the
 * response status, and a retry budget holding back the retries of a half-failing server.
 */
class RealClientIT {
    @TempDir
    Path dir;

    private ScenarioResult run(String scenario, String... config) throws Exception {
        Path file = Files.write(dir.resolve("client.conf"), String.join("\n", config).getBytes(StandardCharsets.UTF_8));
        return AgentJvm.withAgent().withTestClassPath().agentArguments("config=" + file)
                .run(RealClientScenarios.class, scenario);
    }

    @Test
    void apacheHttpClientIsRetriedOnA503ResponseThroughConfigAlone() throws Exception {
        ScenarioResult result = run("apacheClientRetriesOnStatus",
                "bulwark.instrument = [",
                "  { class = \"org.apache.hc.client5.http.impl.classic.CloseableHttpClient\", method = execute,",
                "    retry { max-attempts = 4, delay = 10ms, jitter = NONE, retry-on-result = \"#result.code in 500..599\" } }",
                "]");
        assertThat(result.getInt("status")).as(result.stderr()).isEqualTo(200);
        assertThat(result.getInt("requests")).isEqualTo(3);
        assertThat(result.stderr()).doesNotContain("ERROR").doesNotContain("WARN");
    }

    /**
     * Each of the 1,000 first attempts deposits 0.1 of a token, so at most 100 retries are paid for; beyond that
     * only min-per-second retries a second pass. Without the budget about 500 calls would be retried.
     */
    @Test
    void aRetryBudgetBoundsTheRetriesOfAThousandCallsToAHalfFailingServer() throws Exception {
        int minPerSecond = 2;
        ScenarioResult result = run("budgetHoldsBackRetries",
                "bulwark.retry-budgets.legacy { ratio = 0.1, min-per-second = " + minPerSecond + ", window = 1m }",
                "bulwark.instrument = [",
                "  { class = \"dev.bulwark.it.app.client.RealClientScenarios\", method = fetchStatus,",
                "    retry { max-attempts = 3, delay = 0ms, budget = legacy, retry-on-result = \"#result >= 500\" } }",
                "]");
        long retries = result.getLong("requests") - 1000;
        long seconds = result.getLong("elapsedMillis") / 1000 + 1;
        assertThat(retries).as(result.toString()).isBetween(50L, 100 + minPerSecond * seconds);
        assertThat(result.getInt("failedCalls")).as("calls whose retries the budget refused").isGreaterThan(300);
    }
}
