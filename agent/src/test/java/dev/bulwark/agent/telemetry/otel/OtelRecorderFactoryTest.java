package dev.bulwark.agent.telemetry.otel;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.PolicyName;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.chain.SiteMetrics;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import dev.bulwark.agent.telemetry.Recorder;
import dev.bulwark.agent.telemetry.SpanMode;
import dev.bulwark.agent.telemetry.TelemetrySettings;
import dev.bulwark.agent.telemetry.metrics.BulwarkMetrics;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.Reference;
import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

class OtelRecorderFactoryTest {
    private final TelemetrySettings settings = new TelemetrySettings(new BulwarkMetrics(), SpanMode.ALL, "test",
            new PolicyRegistry(NanoClock.SYSTEM, CircuitBreakerListener.NOOP));

    @AfterEach
    void forgetTheGlobal() {
        GlobalOpenTelemetry.resetForTest();
    }

    @Test
    void withoutARegisteredSdkThereIsNoRecorderAndTheGlobalStaysOpenForTheApplication() {
        GlobalOpenTelemetry.resetForTest();
        assertThat(new OtelRecorderFactory().create(settings, false)).isNull();

        InMemoryMetricReader reader = InMemoryMetricReader.create();
        // Throws if the look-up above had fixed the global to a no-op.
        OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
                .buildAndRegisterGlobal();

        Recorder recorder = new OtelRecorderFactory().create(settings, false);
        assertThat(recorder).isNotNull();
        SiteMetrics site = settings.metrics().site(new PolicyName("com.acme.Shop#buy", null), new PolicyName("payments", null), null, null);
        settings.metrics().start();
        site.retryFinished(CallObserver.RetryOutcome.EXHAUSTED);
        Collection<MetricData> metrics = reader.collectAllMetrics();
        Reference.reachabilityFence(site);
        assertThat(metrics).singleElement().satisfies(metric -> {
            assertThat(metric.getName()).isEqualTo("bulwark.retry.calls");
            assertThat(metric.getInstrumentationScopeInfo().getName()).isEqualTo("dev.bulwark");
            assertThat(metric.getInstrumentationScopeInfo().getVersion()).isEqualTo("test");
            assertThat(metric.getLongSumData().getPoints()).singleElement().satisfies(point -> {
                assertThat(point.getValue()).isEqualTo(1);
                assertThat(point.getAttributes().get(OtelMetrics.NAME)).isEqualTo("payments");
                assertThat(point.getAttributes().get(OtelMetrics.OUTCOME)).isEqualTo("exhausted");
            });
        });
    }

    @Test
    void attributesAreBuiltOncePerName() {
        NamedAttributes byName = new NamedAttributes(name -> new Attributes[]{
                Attributes.of(OtelMetrics.NAME, name.name())});
        assertThat(byName.of(new PolicyName("payments", null))).isSameAs(byName.of(new PolicyName(new String("payments"), null)));
    }
}
