package dev.bulwark.it.app.client;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.it.app.Report;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * An application that knows nothing of Bulwark calling HTTP servers on 127.0.0.1; the config the test passes
 * protects the calls. The servers count what reaches them, since that is what a retry storm costs.
 */
public final class RealClientScenarios {
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    private RealClientScenarios() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(RealClientScenarios.class, args);
    }

    /** A server answering request n (from 1) with 503 when {@code fails} says so, else 200. */
    private static HttpServer server(IntPredicate fails) throws IOException {
        // Read when the server's config is first loaded: without it, Nagle's algorithm and delayed ACKs make
        // every small keep-alive exchange wait tens of milliseconds.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", exchange -> {
            int request = REQUESTS.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("request " + request).getBytes();
            exchange.sendResponseHeaders(fails.test(request) ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static URI uri(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/price");
    }

    /** Apache HttpClient 5, whose {@code execute} returns a 503 response rather than throwing. */
    public static void apacheClientRetriesOnStatus() throws Exception {
        HttpServer server = server(request -> request <= 2);
        try (CloseableHttpClient client = HttpClients.createDefault();
             CloseableHttpResponse response = client.execute(new HttpGet(uri(server)))) {
            Report.put("status", response.getCode());
            Report.put("requests", REQUESTS.get());
        } finally {
            server.stop(0);
        }
    }

    /** The application's own legacy call: the status, never an exception for a 5xx. */
    public static int fetchStatus(URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            int status = connection.getResponseCode();
            try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        } finally {
            connection.disconnect();
        }
    }

    /** 1,000 calls against a server failing every other request; the budget bounds the retries. */
    public static void budgetHoldsBackRetries() throws Exception {
        HttpServer server = server(request -> request % 2 == 1);
        URI uri = uri(server);
        int failedCalls = 0;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < 1000; i++) {
                if (fetchStatus(uri) >= 500) {
                    failedCalls++;
                }
            }
        } finally {
            server.stop(0);
        }
        Report.put("elapsedMillis", (System.nanoTime() - start) / 1_000_000);
        Report.put("requests", REQUESTS.get());
        Report.put("failedCalls", failedCalls);
    }
}
