package dev.bulwark.it;

import dev.bulwark.sample.SampleApp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample app as the README runs it (the agent with the sample's own config), serving on free ports after
 * its demo has run; the demo uses every policy, so each of Bulwark's instruments has recorded by then.
 */
final class SampleAppJvm implements AutoCloseable {
    private static final Pattern METRICS_URL = Pattern.compile("Metrics on (http://127\\.0\\.0\\.1:(\\d+)/metrics)");

    private final AgentJvm.Running running;
    private final URI metrics;
    private final int metricsPort;

    private SampleAppJvm(AgentJvm.Running running) {
        this.running = running;
        Matcher url = METRICS_URL.matcher(running.output());
        if (!url.find()) {
            throw new AssertionError("the sample app printed no metrics endpoint:\n" + running.output());
        }
        this.metrics = URI.create(url.group(1));
        this.metricsPort = Integer.parseInt(url.group(2));
    }

    /** @param options more JVM options, such as {@code -Dbulwark.…} settings over the sample's config */
    static SampleAppJvm start(String... options) throws IOException, InterruptedException {
        Path config = Paths.get("..", "sample-app", "bulwark.conf").toAbsolutePath().normalize();
        AgentJvm.Running running = AgentJvm.withAgent().withTestClassPath().agentArguments("config=" + config)
                .option("-Dsample.port=0", "-Dsample.metrics.port=0", "-Dbulwark.admin.port=0").option(options)
                .start(SampleApp.class, "--serve");
        try {
            running.awaitOutput("Serving until stopped (Ctrl-C).");
            return new SampleAppJvm(running);
        } catch (AssertionError | RuntimeException e) {
            running.stop();
            throw e;
        }
    }

    int metricsPort() {
        return metricsPort;
    }

    /** One Prometheus scrape of the sample's metrics endpoint. */
    String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("scrape of " + metrics + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() throws InterruptedException {
        running.stop();
    }
}
