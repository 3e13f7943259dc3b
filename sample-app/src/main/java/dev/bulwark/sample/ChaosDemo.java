package dev.bulwark.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault injection against pricing, scripted ({@code --chaos-demo}): starts the sample app serving, with a copy of
 * this JVM's agent config and the admin endpoint on a free port, turns on a chaos experiment that fails every
 * pricing call by editing that copy (a hot reload), and shows through the admin endpoint the breaker opening,
 * the fallback serving and readiness going 503; then turns chaos off and shows recovery. The copy is the
 * demo's own: the file the sample runs with is never changed.
 */
final class ChaosDemo {
    private static final Pattern AGENT = Pattern.compile("-javaagent:(.+?bulwark-agent[^=]*\\.jar)=config=(.+)");
    private static final Pattern STOCK_URL = Pattern.compile("Stock service on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern PRICING_STATE = Pattern.compile("\\{\"name\":\"pricing\",\"scope\":null,\"state\":\"(\\w+)\"");
    private static final String EXPERIMENT = "bulwark.chaos.experiments = [\n"
            + "  { class = \"dev.bulwark.sample.PricingService\", method = \"price\",\n"
            + "    fault { rate = 1.0, exception = \"java.io.IOException\", message = \"chaos: pricing unavailable\" } }\n"
            + "]\n";
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int adminPort;
    private int appPort;

    private ChaosDemo(int adminPort) {
        this.adminPort = adminPort;
    }

    static void run() throws Exception {
        String agent = null;
        String config = null;
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            Matcher matcher = AGENT.matcher(argument);
            if (matcher.matches()) {
                agent = matcher.group(1);
                config = matcher.group(2);
            }
        }
        if (agent == null) {
            System.out.println("The chaos demo needs the agent with a config file: run it as the README says"
                    + " (mvn -q -DskipTests -Psample verify -Dsample.args=--chaos-demo).");
            return;
        }
        Path copy = Files.createTempDirectory("bulwark-chaos-demo").resolve("bulwark.conf");
        Files.write(copy, (new String(Files.readAllBytes(Paths.get(config)), StandardCharsets.UTF_8)
                + "\nbulwark.reload-interval = 200ms\n").getBytes(StandardCharsets.UTF_8));
        ChaosDemo demo = new ChaosDemo(freePort());
        Process app = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + agent + "=config=" + copy, "-Dbulwark.admin.port=" + demo.adminPort,
                "-Dsample.port=0", "-Dsample.metrics.port=0", "-cp", System.getProperty("java.class.path"),
                SampleApp.class.getName(), "--serve").redirectErrorStream(true).start();
        try {
            demo.appPort = awaitServing(app);
            demo.script(copy);
        } finally {
            app.destroy();
            app.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void script(Path config) throws Exception {
        section("Chaos: a fault injected into every pricing call, by config, while the service runs");
        System.out.println("admin endpoint on http://127.0.0.1:" + adminPort + "/bulwark/");
        System.out.println("ready before chaos: " + admin("GET", "ready"));
        String withChaos = new String(Files.readAllBytes(config), StandardCharsets.UTF_8) + EXPERIMENT;
        write(config, withChaos);
        System.out.println("config edited: " + EXPERIMENT.replace("\n", " ").replaceAll(" +", " ").trim());
        awaitAdmin("chaos", "\"faultRate\":1.0");
        for (int call = 1; call <= 6; call++) {
            priceCall(call);
        }
        System.out.println("ready during chaos: " + admin("GET", "ready"));
        System.out.println("chaos: " + admin("GET", "chaos"));
        System.out.println("chaos off: " + admin("POST", "chaos/off"));
        Thread.sleep(1_500);
        System.out.println("Chaos is off; after waitInOpen (1s) two trial calls close the breaker:");
        for (int call = 7; call <= 9; call++) {
            priceCall(call);
        }
        System.out.println("ready after recovery: " + admin("GET", "ready"));
    }

    /** One request for a price, with the breaker's state after it. */
    private void priceCall(int call) throws Exception {
        String body = price();
        System.out.printf("price call %d: breaker then %-9s %s%n", call, pricingState(), body);
    }

    private String price() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + appPort + "/price?sku=apple")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private String pricingState() throws Exception {
        Matcher state = PRICING_STATE.matcher(admin("GET", "breakers"));
        return state.find() ? state.group(1) : "(none)";
    }

    private String admin(String method, String route) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/bulwark/" + route))
                .timeout(Duration.ofSeconds(30));
        request = method.equals("POST") ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private void awaitAdmin(String route, String expected) throws Exception {
        long start = System.nanoTime();
        while (!admin("GET", route).contains(expected)) {
            if (System.nanoTime() - start > WAIT_NANOS) {
                throw new IllegalStateException("the config reload did not take effect in time");
            }
            Thread.sleep(50);
        }
    }

    /** An editor's atomic save: the agent's watcher never reads half a file. */
    private static void write(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, content.getBytes(StandardCharsets.UTF_8));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the app's output until it serves, on a thread that then keeps draining it; returns its port. */
    private static int awaitServing(Process app) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> serving = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher url = STOCK_URL.matcher(line);
                    if (url.find()) {
                        port.complete(Integer.parseInt(url.group(1)));
                    }
                    if (line.startsWith("Serving until stopped")) {
                        serving.complete(null);
                    }
                }
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
            serving.completeExceptionally(new IllegalStateException("the sample app ended before serving"));
        }, "chaos-demo-app-output");
        reader.setDaemon(true);
        reader.start();
        serving.get(60, TimeUnit.SECONDS);
        return port.get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
