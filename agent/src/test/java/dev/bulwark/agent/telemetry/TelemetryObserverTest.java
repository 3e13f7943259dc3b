package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.chain.SiteMetrics;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.ref.WeakReference;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK an application registers is recorded into while the application lives, and never keeps it. */
class TelemetryObserverTest {
    private static final long COLLECTION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String SITE = "com.acme.Lasting#call";

    private final TelemetryObserver observer = new TelemetryObserver(true, SpanMode.ALL, "test",
            new BridgeClassesOnTheClassPath());
    /** The counts of a site whose chain outlives every deployment, as a JVM-wide one does. */
    private SiteMetrics lasting;

    @Test
    void anUndeployedApplicationThatRegisteredAnSdkIsCollectedAndARedeployedOnesSdkIsFoundAnew() throws Exception {
        observer.observe(new PolicyRegistry(NanoClock.SYSTEM, CircuitBreakerListener.NOOP));
        lasting = observer.siteMetrics(new PolicyName(SITE, (String) null), null, null, null);

        WeakReference<ClassLoader> first = deployRecordAndUndeploy(1);
        long end = System.nanoTime() + COLLECTION_WAIT_NANOS;
        while (first.get() != null && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(first.get()).as("the undeployed application's loader, whose SDK Bulwark recorded into").isNull();

        deployRecordAndUndeploy(2);
    }

    /**
     * Starts an application with the OpenTelemetry SDK, which registers it globally, makes a protected call on its
     * thread, and checks that the call went to that SDK; then drops everything of the application.
     */
    private WeakReference<ClassLoader> deployRecordAndUndeploy(long fallbacksSoFar) throws Exception {
        URLClassLoader application = new URLClassLoader(sdkJars(), ClassLoader.getPlatformClassLoader());
        Object reader = registerSdk(application);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(application);
        try {
            Object invocation = observer.invocationStarted(SITE);
            assertThat(invocation.getClass().getClassLoader().getParent())
                    .as("the span is made by the bridge over this application's API").isSameAs(application);
            lasting.fallback();
            observer.invocationFinished(invocation, SITE, 1_000L, null, null);
        } finally {
            thread.setContextClassLoader(before);
        }
        Collection<?> metrics = (Collection<?>) reader.getClass().getMethod("collectAllMetrics").invoke(reader);
        assertThat(metrics.toString()).contains("bulwark.fallback.calls", "value=" + fallbacksSoFar);
        application.close();
        return new WeakReference<>(application);
    }

    /** {@code OpenTelemetrySdk.builder().setMeterProvider(…in-memory reader…).buildAndRegisterGlobal()}; the reader. */
    private static Object registerSdk(ClassLoader application) throws ReflectiveOperationException {
        Object reader = application.loadClass("io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader")
                .getMethod("create").invoke(null);
        Class<?> meterProviderType = application.loadClass("io.opentelemetry.sdk.metrics.SdkMeterProvider");
        Object meterBuilder = meterProviderType.getMethod("builder").invoke(null);
        meterBuilder.getClass().getMethod("registerMetricReader",
                application.loadClass("io.opentelemetry.sdk.metrics.export.MetricReader")).invoke(meterBuilder, reader);
        Object meterProvider = meterBuilder.getClass().getMethod("build").invoke(meterBuilder);
        Object sdkBuilder = application.loadClass("io.opentelemetry.sdk.OpenTelemetrySdk").getMethod("builder").invoke(null);
        sdkBuilder.getClass().getMethod("setMeterProvider", meterProviderType).invoke(sdkBuilder, meterProvider);
        sdkBuilder.getClass().getMethod("buildAndRegisterGlobal").invoke(sdkBuilder);
        return reader;
    }

    /** Every OpenTelemetry jar of the test's class path: the API, the SDK and its in-memory reader. */
    private static URL[] sdkJars() throws MalformedURLException {
        List<URL> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("opentelemetry")) {
                jars.add(Path.of(entry).toUri().toURL());
            }
        }
        return jars.toArray(new URL[0]);
    }
}
