package dev.bulwark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus server (the Debian package {@code prometheus}, which .ci/run installs) scrapes the running
 * sample app, and its HTTP API then answers for a Bulwark metric.
 */
class PrometheusIT {
    private static final String QUERY = "bulwark_retry_calls_total";
    private static final long QUERY_SECONDS = 120;

    @Test
    void prometheusScrapesBulwarkMetricsFromTheSampleApp(@TempDir Path work) throws Exception {
        Optional<Path> prometheus = prometheusBinary();
        assumeTrue(prometheus.isPresent(), "no prometheus binary on PATH (Debian package 'prometheus', installed by"
                + " .ci/run): skipping the test against a real Prometheus server");
        try (SampleAppJvm sample = SampleAppJvm.start()) {
            int port = freePort();
            Path config = work.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    + "scrape_configs:\n  - job_name: bulwark-sample\n    static_configs:\n"
                    + "      - targets: ['127.0.0.1:" + sample.metricsPort() + "']\n");
            Path log = work.resolve("prometheus.log");
            Process server = new ProcessBuilder(prometheus.get().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                JsonNode series = awaitSeries(server, port, log);
                assertThat(series.path("metric").path("job").asText()).isEqualTo("bulwark-sample");
                assertThat(series.path("metric").path("bulwark_name").asText()).isEqualTo("dev.bulwark.sample.StockService#stock");
                assertThat(series.path("metric").path("otel_scope_name").asText()).isEqualTo("dev.bulwark");
            } finally {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    /** Polls Prometheus's query API until the scraped Bulwark metric shows up; bounded. */
    private static JsonNode awaitSeries(Process server, int port, Path log) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI query = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + QUERY);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(QUERY_SECONDS);
        String last = "(no answer yet)";
        while (System.nanoTime() < deadline && server.isAlive()) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(query).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.body();
                JsonNode result = new ObjectMapper().readTree(last).path("data").path("result");
                if (response.statusCode() == 200 && result.size() > 0) {
                    return result.get(0);
                }
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never answered for " + QUERY + "; last answer: " + last
                + "\nits log:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Optional<Path> prometheusBinary() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(dir -> Paths.get(dir, "prometheus")).filter(Files::isExecutable).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
