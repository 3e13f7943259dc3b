package dev.bulwark.agent.telemetry;

import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OtelLocatorTest {
    private static final long COLLECTION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private final TelemetrySettings settings = new TelemetrySettings(new BulwarkMetrics(), SpanMode.ALL, "test",
            new PolicyRegistry(NanoClock.SYSTEM, CircuitBreakerListener.NOOP));

    /** The locator lives as long as the agent: an application it bridged must still be collectable once undeployed. */
    @Test
    void anApplicationsApiThatWasBridgedDoesNotKeepItsLoaderAlive() throws Exception {
        OtelLocator locator = new OtelLocator(new BridgeClassesOnTheClassPath());

        WeakReference<ClassLoader> application = bridgeAnApplicationThatGoesAway(locator);

        long end = System.nanoTime() + COLLECTION_WAIT_NANOS;
        while (application.get() != null && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(application.get()).as("the application's loader, once only the locator saw it").isNull();
    }

    private WeakReference<ClassLoader> bridgeAnApplicationThatGoesAway(OtelLocator locator) throws Exception {
        URLClassLoader application = new URLClassLoader(apiJars(), ClassLoader.getPlatformClassLoader());
        Class<?> api = application.loadClass(GlobalOpenTelemetry.class.getName());
        assertThat(api.getClassLoader()).isSameAs(application);

        assertThat(locator.find(settings, application)).as("nothing registered in the application: look again later").isNull();
        assertThat(locator.find(settings, application)).isNull();
        application.close();
        return new WeakReference<>(application);
    }

    /** A deployment stopped but not yet collected: an application server refuses, and logs, loading through it. */
    @Test
    void aLoaderOfTheApplicationsClassesIsNeverAskedToLoadAClass() throws Exception {
        OtelLocator locator = new OtelLocator(new BridgeClassesOnTheClassPath());
        List<String> asked = new ArrayList<>();
        ClassLoader stopped = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                throw new ClassNotFoundException("Illegal access: this web application instance has been stopped already");
            }
        };

        assertThat(locator.find(settings, null, List.of(stopped))).isNull();
        assertThat(asked).isEmpty();
    }

    @Test
    void theSdkThatADeploymentRegistersLaterIsFoundInItsLoader() throws Exception {
        OtelLocator locator = new OtelLocator(new BridgeClassesOnTheClassPath());
        try (URLClassLoader deployment = new URLClassLoader(apiJars(), ClassLoader.getPlatformClassLoader())) {
            assertThat(locator.find(settings, null, List.of(deployment))).as("the API not used yet").isNull();

            Class<?> openTelemetry = deployment.loadClass("io.opentelemetry.api.OpenTelemetry");
            deployment.loadClass(GlobalOpenTelemetry.class.getName()).getMethod("set", openTelemetry)
                    .invoke(null, openTelemetry.getMethod("noop").invoke(null));

            assertThat(locator.find(settings, null, List.of(deployment))).isNotNull();
        }
    }

    /** opentelemetry-api and what it needs, for a loader of its own that delegates to none of the test's classes. */
    private static URL[] apiJars() throws ClassNotFoundException {
        List<URL> jars = new ArrayList<>();
        jars.add(GlobalOpenTelemetry.class.getProtectionDomain().getCodeSource().getLocation());
        jars.add(Context.class.getProtectionDomain().getCodeSource().getLocation());
        jars.add(Class.forName("io.opentelemetry.common.ComponentLoader").getProtectionDomain().getCodeSource().getLocation());
        return jars.toArray(new URL[0]);
    }
}
