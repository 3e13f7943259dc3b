package dev.bulwark.it;

import dev.bulwark.it.app.AdminScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin endpoint (docs/operations.md), every route through a real JVM with the agent and an HTTP client. */
class AdminIT {
    private static final String INVENTORY = "dev.bulwark.it.app.AdminScenarios$Inventory#check";
    private static final String PRICING = "dev.bulwark.it.app.AdminScenarios$LegacyPricing#price";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private int commands;

    @TempDir
    Path dir;

    @Test
    void everyRouteAnswersJsonAndControlsWhatTheApplicationSees() throws Exception {
        int port = freePort();
        Path config = config("admin { port = " + port + ", readiness-breakers = [inventory, not-created-yet] }");
        AgentJvm.Running app = start(config);
        try {
            assertThat(get(port, "/bulwark/health", null)).isEqualTo("200 {\"status\":\"UP\"}");
            assertThat(get(port, "/bulwark/ready", null))
                    .as("a named breaker that does not exist yet counts as not OPEN")
                    .isEqualTo("200 {\"status\":\"UP\",\"openBreakers\":[]}");

            String breakers = get(port, "/bulwark/breakers", null);
            assertThat(breakers).startsWith("200 {\"breakers\":[").contains("{\"name\":\"inventory\",\"scope\":null,"
                    + "\"state\":\"CLOSED\",\"failureRate\":-1.0,\"slowCallRate\":-1.0,\"callsInWindow\":1,");

            String methods = get(port, "/bulwark/methods", null);
            assertThat(methods).startsWith("200 {\"methods\":[")
                    .contains("{\"method\":\"" + INVENTORY + "\",\"scope\":null,\"policies\":{\"circuit-breaker\":{")
                    .contains("\"failure-rate-threshold\":{\"value\":60,\"source\":\"annotation\"}")
                    .contains("\"minimum-calls\":{\"value\":2,\"source\":\"methods\"}")
                    .contains("\"name\":{\"value\":\"inventory\",\"source\":\"annotation\"}")
                    .contains("\"wait-in-open\":{\"value\":\"10m\",\"source\":\"annotation\"}")
                    .contains("\"half-open-calls\":{\"value\":3,\"source\":\"defaults\"}")
                    .contains("\"slow-call-duration\":{\"value\":\"60s\",\"source\":\"built-in\"}")
                    .contains("{\"method\":\"" + PRICING + "\",\"scope\":null,\"policies\":{\"timeout\":{")
                    .contains("\"value\":{\"value\":\"5s\",\"source\":\"instrument\"}");

            command(app, "fail");
            command(app, "call failed1");
            command(app, "call failed2");
            assertThat(get(port, "/bulwark/ready", null)).as("inventory opened after two failures of two calls")
                    .isEqualTo("503 {\"status\":\"DOWN\",\"openBreakers\":[\"inventory\"]}");
            command(app, "heal");

            assertThat(post(port, "/bulwark/breakers/inventory/reset", null)).isEqualTo("200 {\"name\":\"inventory\",\"state\":\"CLOSED\"}");
            command(app, "call afterReset");
            assertThat(get(port, "/bulwark/ready", null)).isEqualTo("200 {\"status\":\"UP\",\"openBreakers\":[]}");

            assertThat(post(port, "/bulwark/breakers/inventory/force-open", null)).isEqualTo("200 {\"name\":\"inventory\",\"state\":\"OPEN\"}");
            command(app, "call afterForceOpen");
            assertThat(get(port, "/bulwark/breakers", null)).contains("{\"name\":\"inventory\",\"scope\":null,\"state\":\"OPEN\"");
            assertThat(post(port, "/bulwark/breakers/inventory/reset", null)).isEqualTo("200 {\"name\":\"inventory\",\"state\":\"CLOSED\"}");
            command(app, "call afterSecondReset");

            command(app, "fail");
            command(app, "call failed3");
            command(app, "call failed4");
            assertThat(get(port, "/bulwark/ready", null)).startsWith("503 ");
            assertThat(post(port, "/bulwark/breakers/inventory/disable", null)).isEqualTo("200 {\"name\":\"inventory\",\"state\":\"DISABLED\"}");
            assertThat(get(port, "/bulwark/ready", null)).as("a disabled breaker is not open")
                    .isEqualTo("200 {\"status\":\"UP\",\"openBreakers\":[]}");
            for (int i = 1; i <= 5; i++) {
                command(app, "call whileDisabled" + i);
            }
            assertThat(get(port, "/bulwark/breakers", null)).as("failures while disabled are not recorded")
                    .contains("{\"name\":\"inventory\",\"scope\":null,\"state\":\"DISABLED\",\"failureRate\":-1.0,"
                            + "\"slowCallRate\":-1.0,\"callsInWindow\":0,");
            command(app, "heal");
            assertThat(post(port, "/bulwark/breakers/inventory/reset", null)).isEqualTo("200 {\"name\":\"inventory\",\"state\":\"CLOSED\"}");

            assertThat(post(port, "/bulwark/breakers/nope/force-open", null)).isEqualTo("404 {\"error\":\"no circuit breaker named 'nope'\"}");
            assertThat(post(port, "/bulwark/breakers/" + INVENTORY.replace("#", "%23") + "/reset", null))
                    .as("a method's own breaker, by its name with # encoded; this one has a shared name").startsWith("404 ");
            assertThat(get(port, "/bulwark/breakers/inventory/reset", null)).startsWith("405 ");
            assertThat(post(port, "/bulwark/health", null)).startsWith("405 ");
            assertThat(get(port, "/bulwark/nothing-here", null)).startsWith("404 {\"error\":");
            command(app, "threads");
        } finally {
            app.send("quit");
        }
        ScenarioResult result = app.finish();
        assertThat(result.get("firstCall")).isEqualTo("returned:in stock");
        assertThat(result.get("failed1")).isEqualTo("threw:IllegalStateException:inventory down");
        assertThat(result.get("afterReset")).isEqualTo("returned:in stock");
        assertThat(result.get("afterForceOpen")).startsWith("threw:CircuitOpenException");
        assertThat(result.get("afterSecondReset")).isEqualTo("returned:in stock");
        assertThat(result.get("failed4")).isEqualTo("threw:IllegalStateException:inventory down");
        for (int i = 1; i <= 5; i++) {
            assertThat(result.get("whileDisabled" + i)).as("the failing body runs: the breaker neither rejects nor opens")
                    .isEqualTo("threw:IllegalStateException:inventory down");
        }
        assertThat(result.get("adminThreads")).as("the server's threads are daemons holding no application loader")
                .containsPattern("HTTP-Dispatcher:daemon:(no|system)-loader").contains("bulwark-admin-1:daemon:no-loader")
                .doesNotContain(":user").doesNotContain("other-loader");
        assertThat(result.stderr()).contains("admin endpoint listening on http://127.0.0.1:" + port + "/bulwark/");
    }

    @Test
    void withATokenEveryRequestNeedsIt() throws Exception {
        int port = freePort();
        AgentJvm.Running app = start(config("admin { port = " + port + ", token = \"s3cret\" }"));
        try {
            assertThat(get(port, "/bulwark/health", null)).startsWith("401 {\"error\":");
            assertThat(get(port, "/bulwark/health", "Bearer wrong")).startsWith("401 ");
            assertThat(post(port, "/bulwark/breakers/inventory/force-open", "Bearer s3cre")).startsWith("401 ");
            assertThat(post(port, "/bulwark/breakers/inventory/disable", null)).startsWith("401 ");
            assertThat(get(port, "/bulwark/health", "Bearer s3cret")).isEqualTo("200 {\"status\":\"UP\"}");
            assertThat(get(port, "/bulwark/breakers", "Bearer s3cret")).contains("\"name\":\"inventory\"");
            command(app, "call stillClosed");
            assertThat(post(port, "/bulwark/breakers/inventory/disable", "Bearer s3cret"))
                    .isEqualTo("200 {\"name\":\"inventory\",\"state\":\"DISABLED\"}");
        } finally {
            app.send("quit");
        }
        assertThat(app.finish().get("stillClosed")).as("the unauthorised force-open did nothing").isEqualTo("returned:in stock");
    }

    @Test
    void aHostThatIsNotLoopbackIsRefusedWithoutAToken() throws Exception {
        int port = freePort();
        AgentJvm.Running app = start(config("admin { port = " + port + ", host = \"0.0.0.0\" }"));
        try {
            assertThatThrownBy(() -> get(port, "/bulwark/health", null)).isInstanceOf(ConnectException.class);
            command(app, "threads");
        } finally {
            app.send("quit");
        }
        ScenarioResult result = app.finish();
        assertThat(result.get("adminThreads")).isEqualTo("[]");
        assertThat(result.stderr()).contains("admin endpoint not started: bulwark.admin.host = \"0.0.0.0\" is not a "
                + "loopback address and bulwark.admin.token is empty");
    }

    @Test
    void portZeroOpensNothingAndStartsNoThread() throws Exception {
        AgentJvm.Running app = start(config(""));
        try {
            command(app, "threads");
        } finally {
            app.send("quit");
        }
        ScenarioResult result = app.finish();
        assertThat(result.get("firstCall")).isEqualTo("returned:in stock");
        assertThat(result.get("adminThreads")).isEqualTo("[]");
        assertThat(result.stderr()).doesNotContain("admin endpoint");
    }

    @Test
    void aReloadThatChangesTheAdminSettingsMovesTheEndpoint() throws Exception {
        int first = freePort();
        int second = freePort();
        Path config = config("reload-interval = 100ms\n  admin { port = " + first + " }");
        AgentJvm.Running app = start(config);
        try {
            assertThat(get(first, "/bulwark/health", null)).isEqualTo("200 {\"status\":\"UP\"}");
            Files.writeString(config, Files.readString(config).replace("port = " + first, "port = " + second
                    + ", token = t0ken"));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String moved = null;
            while (moved == null) {
                try {
                    moved = get(second, "/bulwark/health", "Bearer t0ken");
                } catch (ConnectException notYet) {
                    assertThat(System.nanoTime()).as("the endpoint never moved to port " + second).isLessThan(end);
                    Thread.sleep(100);
                }
            }
            assertThat(moved).isEqualTo("200 {\"status\":\"UP\"}");
            assertThatThrownBy(() -> get(first, "/bulwark/health", null)).isInstanceOf(ConnectException.class);

            Files.writeString(config, Files.readString(config).replace(", token = t0ken", ""));
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!answer(second, "/bulwark/health").startsWith("200 ")) {
                assertThat(System.nanoTime()).as("the token was never dropped").isLessThan(end);
                Thread.sleep(100);
            }
            assertThat(get(second, "/bulwark/health", null)).as("restarted on the same port without the token")
                    .isEqualTo("200 {\"status\":\"UP\"}");
        } finally {
            app.send("quit");
        }
        app.finish();
    }

    private Path config(String lines) throws IOException {
        Path file = dir.resolve("bulwark.conf");
        Files.writeString(file, String.join("\n",
                "bulwark {",
                "  " + lines,
                "  defaults { circuit-breaker { half-open-calls = 3 } }",
                "  methods { \"" + INVENTORY + "\" { circuit-breaker { minimum-calls = 2 } } }",
                "  instrument = [ { class = \"dev.bulwark.it.app.AdminScenarios$LegacyPricing\", method = price,"
                        + " timeout { value = 5s } } ]",
                "}", ""));
        return file;
    }

    private AgentJvm.Running start(Path config) throws Exception {
        AgentJvm.Running app = AgentJvm.withAgent().agentArguments("config=" + config).start(AdminScenarios.class, "serve");
        app.awaitOutput("serving");
        return app;
    }

    /** Runs a command in the application and waits until it is done. */
    private void command(AgentJvm.Running app, String command) throws Exception {
        app.send(command);
        app.awaitOutput("done " + ++commands);
    }

    /** The answer to a GET without a token, or "refused" while nothing listens on the port. */
    private String answer(int port, String path) throws Exception {
        try {
            return get(port, path, null);
        } catch (ConnectException e) {
            return "refused";
        }
    }

    private String get(int port, String path, String authorization) throws Exception {
        return send(request(port, path, authorization).GET());
    }

    private String post(int port, String path, String authorization) throws Exception {
        return send(request(port, path, authorization).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpRequest.Builder request(int port, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    /** The status and the body, {@code "200 {...}"}, after checking that the body is JSON. */
    private String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return response.statusCode() + " " + response.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
