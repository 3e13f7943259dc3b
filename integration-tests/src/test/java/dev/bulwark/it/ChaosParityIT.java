package dev.bulwark.it;

import dev.bulwark.it.app.parity.ChaosParity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/**
 * Fault injection through the real agent, through a synchronous method, one returning a stage and one returning a
 * Mono: the configured rate, latency cut by a timeout, faults every policy sees, {@code when}, the admin routes,
 * the operator's off switch, the kill switch and its release by reloads, and an experiment a reload adds to a
 * method nothing wove, then removes.
 */
class ChaosParityIT {
    private static final String CLASS = "dev.bulwark.it.app.parity.ChaosParity";
    private static final int RATE_CALLS = 400;
    private static final double RATE = 0.3;

    @TempDir
    Path dir;

    @Test
    void injectsAtItsRateIntoEveryPolicyAndStopsOnEverySwitch() throws Exception {
        int port = freePort();
        Path config = Files.write(dir.resolve("chaos.conf"), String.join("\n",
                "# revision 0",
                "bulwark {",
                "  reload-interval = 100ms",
                "  admin { port = " + port + ", token = \"s3cret\" }",
                "  chaos {",
                "    enabled = true",
                "    seed = 42",
                "    experiments = [",
                "      { class = \"" + CLASS + "\", method = \"flaky*\",",
                "        fault { rate = " + RATE + ", exception = \"java.io.IOException\", message = chaos } }",
                "      { class = \"" + CLASS + "\", method = \"slow*\", latency { rate = 1, delay = 20s } }",
                "      { class = \"" + CLASS + "\", method = \"guarded*\",",
                "        fault { rate = 1, exception = \"java.io.IOException\", message = chaos } }",
                "      { class = \"" + CLASS + "\", method = \"tenant*\", when = \"#0 == 'canary'\",",
                "        fault { rate = 1, exception = \"java.lang.IllegalStateException\", message = \"canary chaos\" } }",
                "      # more experiments",
                "    ]",
                "  }",
                "}").getBytes(StandardCharsets.UTF_8));

        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().agentArguments("config=" + config)
                .option("-Dchaos.config=" + config, "-Dchaos.port=" + port, "-Dchaos.token=s3cret")
                .run(ChaosParity.class, "injects");

        System.out.println("faults injected into " + RATE_CALLS + " calls at rate " + RATE + ": sync "
                + result.get("SYNC.injected") + ", async " + result.get("ASYNC.injected") + ", mono "
                + result.get("MONO.injected"));
        // Five standard deviations of a binomial count either side; the seed makes the count the same every run.
        double deviation = Math.sqrt(RATE_CALLS * RATE * (1 - RATE));
        assertBothLong(result, "injected", count -> count.isBetween(Math.round(RATE_CALLS * RATE - 5 * deviation),
                Math.round(RATE_CALLS * RATE + 5 * deviation)));

        assertBoth(result, "slow", outcome -> outcome.startsWith("failed:TimeoutExceededException"));
        assertBothLong(result, "slowMillis", millis -> millis.isLessThan(10_000));

        assertBoth(result, "guarded", "ok:cached:IOException:chaos");
        assertBoth(result, "guardedBodyCalls", "0");
        assertBoth(result, "breakerAfterOneCall", "OPEN");
        assertBoth(result, "guardedOpen", outcome -> outcome.startsWith("ok:cached:CircuitOpenException"));

        assertBoth(result, "canary", "failed:IllegalStateException:canary chaos");
        assertBoth(result, "stable", "ok:hello stable");

        assertBoth(result, "unauthorized", "401");
        assertBoth(result, "methodsShowChaos", methods -> methods.endsWith("\"scope\":null,\"policies\":{},\"chaos\":["
                + "\"bulwark.chaos.experiments[0] { class = \\\"" + CLASS + "\\\", method = \\\"flaky*\\\" }\"]}"));
        assertBoth(result, "off", outcome -> outcome.startsWith("200 {\"enabled\":false,\"experiments\":[")
                .contains("{\"experiment\":\"bulwark.chaos.experiments[0] { class = \\\"" + CLASS
                        + "\\\", method = \\\"flaky*\\\" }\",\"when\":null,\"latencyRate\":0.0,\"delayMillis\":0,"
                        + "\"faultRate\":0.3,\"exception\":\"java.io.IOException\",\"latenciesInjected\":N,\"faultsInjected\":N}")
                .contains("\"when\":\"#0 == 'canary'\""));
        assertBoth(result, "injectedWhileOff", "0");
        assertBoth(result, "viewAfterOff", view -> view.startsWith("200 {\"enabled\":false,"));
        assertBoth(result, "backOnAfterReload", "true");
        assertBoth(result, "killSwitchSeen", "true");
        assertBoth(result, "injectedWithKillSwitch", "0");
        assertBoth(result, "onAgain", "true");

        assertBoth(result, "hotAddedWoven", "true");
        assertBoth(result, "hotAdded", "failed:IOException:fresh");
        assertBoth(result, "removedByReload", "true");
        assertBoth(result, "afterRemoval", "ok:fresh");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
