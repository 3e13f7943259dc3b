package dev.bulwark.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.sample.legacy.LegacyDemo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A small stock service over a flaky inventory dependency. Run it with the agent and every request shows
 * what Bulwark did; run it without, and the same requests fail. It replays a short demo against itself and
 * exits; with {@code --serve} it keeps serving on port 8080 ({@code -Dsample.port}), and the agent's admin endpoint
 * (bulwark.conf) on 127.0.0.1:9464. {@code --chaos-demo} runs {@link ChaosDemo} instead.
 */
public final class SampleApp {
    private SampleApp() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--chaos-demo")) {
            ChaosDemo.run();
            System.exit(0);
        }
        Telemetry.start();
        Map<String, Downstream.Mood> moods = new LinkedHashMap<>();
        moods.put("apple", Downstream.Mood.HEALTHY);
        moods.put("pear", Downstream.Mood.FLAKY);
        moods.put("plum", Downstream.Mood.SLOW);
        moods.put("fig", Downstream.Mood.DOWN);
        Downstream inventory = new Downstream(moods);
        StockService stock = new StockService(inventory);
        PricingService pricing = new PricingService();
        OrderService orders = new OrderService();
        PartnerQuotes quotes = PartnerQuotes.create();

        int port = Integer.getInteger("sample.port", 8080);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/stock", exchange -> respond(exchange, () -> stock.stock(query(exchange, "sku"))));
        server.createContext("/price", exchange -> respond(exchange, () -> pricing.price(query(exchange, "sku"))));
        server.createContext("/orders", exchange -> respond(exchange, () -> orders.place(query(exchange, "user"))));
        server.createContext("/quote", exchange -> respond(exchange, () -> quotes.quote(query(exchange, "sku"))));
        server.createContext("/fulfil", exchange -> respond(exchange, () -> orders.fulfil(query(exchange, "order"))));
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        int boundPort = server.getAddress().getPort();
        System.out.println("Stock service on http://127.0.0.1:" + boundPort + "/stock?sku=apple");
        System.out.println(quotes.scope());

        boolean serve = Arrays.asList(args).contains("--serve");
        try {
            Demo demo = new Demo(boundPort);
            demo.stock(inventory, List.copyOf(moods.keySet()));
            demo.circuitBreaker(pricing);
            demo.rateLimit();
            demo.partnerQuotes();
            demo.bulkhead();
            OverloadDemo.print();
            LegacyDemo.print();
            if (serve) {
                System.out.println("Serving until stopped (Ctrl-C).");
                Thread.currentThread().join();
            }
        } finally {
            if (!serve) {
                server.stop(0);
                System.exit(0);
            }
        }
    }

    private static String query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
        }
        return "";
    }

    interface Handler {
        String handle() throws Exception;
    }

    private static void respond(HttpExchange exchange, Handler handler) throws IOException {
        int status;
        String body;
        try {
            body = handler.handle();
            status = 200;
        } catch (Exception e) {
            status = e instanceof dev.bulwark.RateLimitedException ? 429 : 503;
            body = "{\"error\":\"" + e.getClass().getSimpleName() + ": " + e.getMessage() + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
