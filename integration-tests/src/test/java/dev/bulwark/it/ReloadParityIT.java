package dev.bulwark.it;

import dev.bulwark.it.app.parity.ReloadParity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bulwark.it.Parity.assertBoth;

/**
 * A config reload during a call, through a synchronous method, one returning a stage and one returning a Mono: the
 * same outcomes.
 */
class ReloadParityIT {
    @TempDir
    Path dir;

    @Test
    void aReloadWhileARetryWaitsLeavesItsAttemptsAsTheyWere() throws Exception {
        Path config = Files.write(dir.resolve("parity.conf"), String.join("\n",
                "bulwark {",
                "  reload-interval = 100ms",
                "  instrument = [",
                "    { class = \"dev.bulwark.it.app.parity.ReloadParity\", method = bystander,",
                "      retry { max-attempts = 2, delay = 1ms, jitter = none } }",
                "  ]",
                "}").getBytes(StandardCharsets.UTF_8));

        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().agentArguments("config=" + config)
                .option("-Dparity.config=" + config)
                .run(ReloadParity.class, "aReloadWhileTheRetryWaits");

        System.out.println("calls of the retried method when the reload was in force: sync "
                + result.get("SYNC.callsWhenReloaded") + ", async " + result.get("ASYNC.callsWhenReloaded")
                + ", mono " + result.get("MONO.callsWhenReloaded"));
        assertBoth(result, "firstAttempt", "true");
        assertBoth(result, "reloaded", "true");
        assertBoth(result, "outcome", "failed:IllegalStateException:attempt 3");
        assertBoth(result, "calls", "3");
    }
}
