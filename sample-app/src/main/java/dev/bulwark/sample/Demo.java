package dev.bulwark.sample;

import dev.bulwark.CircuitBreakerControl;
import dev.bulwark.CircuitBreakers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Replays requests against the running service and prints what each policy did. */
final class Demo {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    Demo(int port) {
        this.port = port;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    void stock(Downstream inventory, List<String> skus) throws Exception {
        section("@Retry, @Timeout and @Fallback: GET /stock for items whose inventory is healthy, flaky, slow or down");
        System.out.println("sku    inventory calls    time  response");
        for (String sku : skus) {
            int before = inventory.callsFor(sku);
            long start = System.nanoTime();
            HttpResponse<String> response = get("/stock?sku=" + sku);
            System.out.printf("%-6s %15d %6dms  %d %s%n", sku, inventory.callsFor(sku) - before,
                    (System.nanoTime() - start) / 1_000_000, response.statusCode(), response.body());
        }
        System.out.println("pear was retried until it answered, each plum attempt was cut off by its timeout,");
        System.out.println("and fig fell back to the last known value. Without the agent they fail or hang.");
    }

    void circuitBreaker(PricingService pricing) throws Exception {
        section("@CircuitBreaker: the pricing service goes down, then recovers");
        pricing.setOutage(true);
        for (int i = 1; i <= 6; i++) {
            priceCall(pricing, i);
        }
        System.out.println("The breaker opened after 4 failures: later calls get the list price without calling pricing.");
        pricing.setOutage(false);
        Thread.sleep(1_100);
        System.out.println("Pricing is back; after waitInOpen (1s) two trial calls close the breaker:");
        for (int i = 7; i <= 9; i++) {
            priceCall(pricing, i);
        }
    }

    private void priceCall(PricingService pricing, int call) throws Exception {
        int before = pricing.downstreamCalls();
        HttpResponse<String> response = get("/price?sku=apple");
        CircuitBreakerControl breaker = CircuitBreakers.find("pricing");
        System.out.printf("call %d: pricing called %d time(s), breaker %-9s %s%n", call, pricing.downstreamCalls() - before,
                breaker == null ? "(no agent)" : breaker.state(), response.body());
    }

    void rateLimit() throws Exception {
        section("@RateLimited(permits = 2, period = \"1m\", key = \"#0\"): each user may place two orders a minute");
        for (String user : new String[] {"alice", "alice", "alice", "bob"}) {
            HttpResponse<String> response = get("/orders?user=" + user);
            System.out.printf("%-5s -> %d %s%n", user, response.statusCode(), response.body());
        }
    }

    void partnerQuotes() throws Exception {
        section("@RateLimited(permits = 5, period = \"10s\"), cluster-scoped with BULWARK_REDIS: seven quotes at once");
        int granted = 0;
        for (int i = 0; i < 7; i++) {
            if (get("/quote?sku=apple").statusCode() == 200) {
                granted++;
            }
        }
        System.out.printf("%d quoted, %d turned away%n", granted, 7 - granted);
    }

    void bulkhead() throws Exception {
        section("@Bulkhead(maxConcurrent = 2): five fulfilments at once against a slow fulfilment system");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fulfil?order=" + i))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int shipped = 0;
        int rejected = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            if (response.statusCode() == 200) {
                shipped++;
            } else {
                rejected++;
                System.out.println("rejected: " + response.body());
            }
        }
        System.out.println(shipped + " shipped, " + rejected + " turned away at once instead of queueing behind the slow system");
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
