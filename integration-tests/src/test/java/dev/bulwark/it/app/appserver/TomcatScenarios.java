package dev.bulwark.it.app.appserver;

import dev.bulwark.it.app.Report;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An embedded Tomcat on 127.0.0.1 that deploys the guarded application (its own {@code WEB-INF/classes} and
 * {@code WEB-INF/lib/bulwark-annotations.jar}, from {@code -Dscenario.webapp}) as a context with its own
 * WebappClassLoader, calls every policy over HTTP, and undeploys and redeploys it. The server registers an
 * OpenTelemetry SDK of its own, which the deployments see through their parent loader, and reports which scopes
 * Bulwark's metrics name.
 */
public final class TomcatScenarios {
    private final Tomcat tomcat = new Tomcat();
    private final Path webapp = Paths.get(System.getProperty("scenario.webapp"));
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private int port;

    public static void main(String[] args) throws Throwable {
        Report.run(TomcatScenarios.class, args);
    }

    /**
     * Two deployments side by side, then {@link Deployments#ROUNDS} redeploys one after the other, each waited for
     * until its loader is collected.
     */
    public static void redeploys() throws Exception {
        new TomcatScenarios().run();
    }

    private void run() throws Exception {
        OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
                .buildAndRegisterGlobal();
        start();
        Deployments deployments = new Deployments();
        Context app = deploy("/app");
        Context app2 = deploy("/app2");
        Report.put("app-limiter", get("/app", "limiter"));
        Report.put("app2-limiter", get("/app2", "limiter"));
        Report.put("app-named", get("/app", "named-open"));
        Report.put("app2-named", get("/app2", "named"));
        Collection<MetricData> metrics = reader.collectAllMetrics();
        Report.put("limiter-scopes", scopes(metrics, "bulwark.rate_limiter.calls", "Guarded#limited"));
        Report.put("breaker-state-scopes", scopes(metrics, "bulwark.circuit_breaker.state", "Guarded#breaker"));
        Report.put("named-state-scopes", scopes(metrics, "bulwark.circuit_breaker.state", "appserver-shared"));
        WeakReference<ClassLoader> first = undeploy(app);
        WeakReference<ClassLoader> second = undeploy(app2);
        deployments.awaitCollected("/app", first);
        deployments.awaitCollected("/app2", second);
        for (int round = 1; round <= Deployments.ROUNDS; round++) {
            Context context = deploy("/app");
            if (round == 1) {
                Report.put("redeployed-named", get("/app", "named"));
            }
            deployments.exercise(round, operation -> get("/app", operation));
            deployments.awaitCollected("/app round " + round, undeploy(context));
        }
        deployments.report();
        Report.put("tomcat-leaks", Arrays.toString(((StandardHost) tomcat.getHost()).findReloadedContextMemoryLeaks()));
        tomcat.stop();
        tomcat.destroy();
    }

    /**
     * The {@code bulwark.loader} values of the points of {@code instrument} whose {@code bulwark.name} ends with
     * {@code name}, each a loader's type with the {@code @hash} left out, and how many distinct ones there are:
     * {@code 2 [ParallelWebappClassLoader, ParallelWebappClassLoader]}, or {@code 1 [none]} without the attribute.
     */
    private static String scopes(Collection<MetricData> metrics, String instrument, String name) {
        Set<String> scopes = new TreeSet<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        for (MetricData metric : metrics) {
            if (metric.getName().equals(instrument)) {
                for (PointData point : metric.getData().getPoints()) {
                    String policy = point.getAttributes().get(AttributeKey.stringKey("bulwark.name"));
                    if (policy != null && policy.endsWith(name)) {
                        scopes.add(point.getAttributes().get(AttributeKey.stringKey("bulwark.loader")));
                    }
                }
            }
        }
        List<String> types = new ArrayList<>();
        for (String scope : scopes) {
            types.add(scope == null ? "none" : scope.substring(0, scope.indexOf('@')));
        }
        return scopes.size() + " " + types;
    }

    private void start() throws Exception {
        Path base = Files.createTempDirectory("bulwark-tomcat");
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Host host = tomcat.getHost();
        host.setAppBase(base.toString());
        host.setAutoDeploy(false);
        tomcat.start();
        port = connector.getLocalPort();
    }

    /** A context over the webapp directory: Tomcat gives it a WebappClassLoader over its WEB-INF. */
    private Context deploy(String path) {
        Context context = tomcat.addContext(path, webapp.toString());
        Tomcat.addServlet(context, "guarded", "dev.bulwark.it.app.appserver.webapp.GuardedServlet");
        context.addServletMappingDecoded("/guarded", "guarded");
        return context;
    }

    private WeakReference<ClassLoader> undeploy(Context context) {
        WeakReference<ClassLoader> loader = new WeakReference<>(context.getLoader().getClassLoader());
        tomcat.getHost().removeChild(context);
        return loader;
    }

    private String get(String context, String operation) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http", "127.0.0.1", port,
                    context + "/guarded?op=" + operation).openConnection();
            try (InputStream in = connection.getResponseCode() == 200 ? connection.getInputStream() : connection.getErrorStream()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return connection.getResponseCode() == 200 ? body : "HTTP " + connection.getResponseCode() + " " + body;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return "I/O " + e;
        }
    }
}
