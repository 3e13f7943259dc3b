package dev.bulwark.sample;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The sample's own OpenTelemetry SDK, registered as {@code GlobalOpenTelemetry} the way an application does
 * it: Bulwark finds it there and records its metrics into it, and Prometheus scrapes them from
 * {@code http://127.0.0.1:9464/metrics} ({@code -Dsample.metrics.port}; 0 picks a free port).
 */
final class Telemetry {
    private static final String HOST = "127.0.0.1";
    /** The endpoint's address once it serves; null without one. */
    private static volatile String metricsUrl;

    private Telemetry() {
    }

    static void start() {
        try {
            Class.forName("io.opentelemetry.sdk.OpenTelemetrySdk", false, Telemetry.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            System.out.println("No metrics endpoint: the OpenTelemetry SDK is not on the class path");
            return;
        }
        PrometheusEndpoint.start();
    }

    /** The Prometheus endpoint's address, or null when the sample serves no metrics. */
    static String metricsUrl() {
        return metricsUrl;
    }

    /** Apart from {@link Telemetry}, so that the sample still runs on a class path without the SDK. */
    private static final class PrometheusEndpoint {
        private PrometheusEndpoint() {
        }

        static void start() {
            int port = Integer.getInteger("sample.metrics.port", 9464);
            try {
                port = port == 0 ? freePort() : port;
                PrometheusHttpServer prometheus = PrometheusHttpServer.builder().setHost(HOST).setPort(port).build();
                Resource service = Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), "bulwark-sample")));
                OpenTelemetrySdk.builder()
                        .setMeterProvider(SdkMeterProvider.builder().setResource(service).registerMetricReader(prometheus).build())
                        .buildAndRegisterGlobal();
                metricsUrl = "http://" + HOST + ":" + port + "/metrics";
                System.out.println("Metrics on " + metricsUrl);
            } catch (RuntimeException e) {
                // The demo matters more than its metrics: a taken port should not stop it.
                System.out.println("No metrics endpoint (port " + port + "): " + e);
            }
        }
    }

    /** The exporter does not tell which port it bound, so an ephemeral one is chosen here first. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
