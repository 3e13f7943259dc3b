package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.io.IOException;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection ({@code bulwark.chaos}), the same through a synchronous method, one returning a stage and one
 * returning a Mono (see {@link Mode}). The JVM runs with the watched config file {@code -Dchaos.config}, whose
 * experiments (written by ChaosIT) match the methods below by name, and with the admin endpoint on
 * {@code -Dchaos.port}, behind the token {@code -Dchaos.token}.
 */
public final class ChaosParity {
    static final String GUARDED = "dev.bulwark.it.app.parity.ChaosParity#guarded";
    private static final int RATE_CALLS = 400;
    private static final int OFF_CALLS = 100;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final AtomicInteger BODY_CALLS = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static int revision;

    private ChaosParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(ChaosParity.class, args);
    }

    /** Not annotated: only the experiment weaves it. */
    static String flaky() {
        return "ok";
    }

    static CompletionStage<String> flakyAsync() {
        return Mode.now(() -> "ok");
    }

    static Mono<String> flakyMono() {
        return Mode.atSubscription(() -> "ok");
    }

    @Timeout(value = "300ms")
    static String slow() {
        return "done";
    }

    @Timeout(value = "300ms")
    static CompletionStage<String> slowAsync() {
        return Mode.now(() -> "done");
    }

    @Timeout(value = "300ms")
    static Mono<String> slowMono() {
        return Mode.atSubscription(() -> "done");
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    @CircuitBreaker(minimumCalls = 3, failureRateThreshold = 50, waitInOpen = "10m")
    @Fallback(method = "cached")
    static String guarded() {
        return live();
    }

    private static String live() {
        BODY_CALLS.incrementAndGet();
        return "live";
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    @CircuitBreaker(minimumCalls = 3, failureRateThreshold = 50, waitInOpen = "10m")
    @Fallback(method = "cached")
    static CompletionStage<String> guardedAsync() {
        return Mode.now(ChaosParity::guarded);
    }

    @Retry(maxAttempts = 3, delay = "1ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    @CircuitBreaker(minimumCalls = 3, failureRateThreshold = 50, waitInOpen = "10m")
    @Fallback(method = "cached")
    static Mono<String> guardedMono() {
        return Mode.atSubscription(ChaosParity::live);
    }

    static String cached(Throwable failure) {
        return "cached:" + failure.getClass().getSimpleName() + ":" + failure.getMessage();
    }

    /** Matched by no experiment until a reload adds one. */
    static String fresh() {
        return "fresh";
    }

    static CompletionStage<String> freshAsync() {
        return Mode.now(ChaosParity::fresh);
    }

    static Mono<String> freshMono() {
        return Mode.atSubscription(() -> "fresh");
    }

    static String tenant(String name) {
        return "hello " + name;
    }

    static CompletionStage<String> tenantAsync(String name) {
        return Mode.now(() -> tenant(name));
    }

    static Mono<String> tenantMono(String name) {
        return Mode.atSubscription(() -> "hello " + name);
    }

    public static void injects() throws Exception {
        for (Mode mode : Mode.values()) {
            mode.put("injected", faults(mode, RATE_CALLS));

            long start = System.nanoTime();
            mode.put("slow", mode.outcome(ChaosParity::slow, ChaosParity::slowAsync, ChaosParity::slowMono));
            mode.put("slowMillis", Mode.millisSince(start));

            BODY_CALLS.set(0);
            mode.put("guarded", mode.outcome(ChaosParity::guarded, ChaosParity::guardedAsync,
                    ChaosParity::guardedMono));
            mode.put("guardedBodyCalls", BODY_CALLS.get());
            mode.put("breakerAfterOneCall", CircuitBreakers.find(mode.site(GUARDED)).state());
            mode.put("guardedOpen", mode.outcome(ChaosParity::guarded, ChaosParity::guardedAsync,
                    ChaosParity::guardedMono));

            mode.put("canary", mode.outcome(() -> tenant("canary"), () -> tenantAsync("canary"),
                    () -> tenantMono("canary")));
            mode.put("stable", mode.outcome(() -> tenant("stable"), () -> tenantAsync("stable"),
                    () -> tenantMono("stable")));

            mode.put("unauthorized", get("/bulwark/chaos", null).substring(0, 3));
            String methods = get("/bulwark/methods", System.getProperty("chaos.token"));
            int flaky = methods.indexOf("\"method\":\"" + mode.site(ChaosParity.class.getName() + "#flaky") + "\"");
            mode.put("methodsShowChaos", flaky < 0 ? methods : methods.substring(flaky, methods.indexOf("\"]}", flaky) + 3));
            mode.put("off", post("/bulwark/chaos/off"));
            mode.put("injectedWhileOff", faults(mode, OFF_CALLS));
            String view = get("/bulwark/chaos", System.getProperty("chaos.token"));
            mode.put("viewAfterOff", view.replaceAll("\"(latencies|faults)Injected\":\\d+", "\"$1Injected\":N"));

            rewriteConfig(true);
            mode.put("backOnAfterReload", awaitFault(mode));

            rewriteConfig(false);
            mode.put("killSwitchSeen", awaitView("\"enabled\":false"));
            mode.put("injectedWithKillSwitch", faults(mode, OFF_CALLS));

            rewriteConfig(true);
            mode.put("onAgain", awaitFault(mode));
        }

        String fresh = "{ class = \"" + ChaosParity.class.getName() + "\", method = \"fresh*\","
                + " fault { rate = 1, exception = \"java.io.IOException\", message = fresh } }";
        editConfig("# more experiments", fresh);
        boolean woven = awaitFresh("failed:IOException:fresh");
        for (Mode mode : Mode.values()) {
            mode.put("hotAddedWoven", woven);
            mode.put("hotAdded", mode.outcome(ChaosParity::fresh, ChaosParity::freshAsync, ChaosParity::freshMono));
        }
        editConfig(fresh, "# more experiments");
        boolean unwoven = awaitFresh("ok:fresh");
        for (Mode mode : Mode.values()) {
            mode.put("removedByReload", unwoven);
            mode.put("afterRemoval", mode.outcome(ChaosParity::fresh, ChaosParity::freshAsync, ChaosParity::freshMono));
        }
    }

    /** Waits until the synchronous {@link #fresh} ends as {@code expected}: a reload took effect. */
    private static boolean awaitFresh(String expected) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < WAIT_NANOS) {
            if (Mode.SYNC.outcomeOf(ChaosParity::fresh).equals(expected)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** How many of {@code calls} calls of the flaky method failed with the injected IOException. */
    private static int faults(Mode mode, int calls) {
        int failed = 0;
        for (int i = 0; i < calls; i++) {
            String outcome = mode.outcome(ChaosParity::flaky, ChaosParity::flakyAsync, ChaosParity::flakyMono);
            if (outcome.equals("failed:IOException:chaos")) {
                failed++;
            } else if (!outcome.equals("ok:ok")) {
                throw new AssertionError("unexpected outcome " + outcome);
            }
        }
        return failed;
    }

    private static boolean awaitFault(Mode mode) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < WAIT_NANOS) {
            if (faults(mode, 10) > 0) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static boolean awaitView(String expected) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < WAIT_NANOS) {
            if (get("/bulwark/chaos", System.getProperty("chaos.token")).contains(expected)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    /** Writes the config anew, as an editor's atomic save, with injection on or off and a new revision. */
    private static void rewriteConfig(boolean enabled) throws IOException {
        Path file = Paths.get(System.getProperty("chaos.config"));
        write(file, new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                .replaceAll("enabled = (true|false)", "enabled = " + enabled)
                .replaceAll("# revision \\d+", "# revision " + ++revision));
    }

    private static void editConfig(String text, String replacement) throws IOException {
        Path file = Paths.get(System.getProperty("chaos.config"));
        write(file, new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace(text, replacement));
    }

    private static void write(Path file, String config) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, config.getBytes(StandardCharsets.UTF_8));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static String post(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + System.getProperty("chaos.token")).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().replaceAll("\"(latencies|faults)Injected\":\\d+", "\"$1Injected\":N");
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + System.getProperty("chaos.port") + path);
    }
}
