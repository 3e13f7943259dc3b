package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerJmx;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerSpec;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyRegistryJmxTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** A woven method's first call only hands the registration over: it never waits for the MBean server. */
    @Test
    void aBreakersMBeanIsRegisteredByTheJmxExecutorNotByTheCallingThread() {
        List<Runnable> handedOver = new ArrayList<>();
        PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, CallObserver.NONE.circuitBreakerListener(), handedOver::add);
        CircuitBreaker breaker = registry.circuitBreaker(CircuitBreakerSpec.builder().name("registered-off-thread").build(), PolicyScope.JVM);

        registry.exposeOverJmx(breaker, PolicyScope.JVM);
        assertThat(server.isRegistered(CircuitBreakerJmx.objectName("registered-off-thread"))).isFalse();
        assertThat(handedOver).hasSize(1);

        handedOver.get(0).run();
        assertThat(server.isRegistered(CircuitBreakerJmx.objectName("registered-off-thread"))).isTrue();
        CircuitBreakerJmx.unregister(breaker);
    }

    /** Keyed breakers enter JMX as {@code name[value]} and leave it when a reload replaces them. */
    @Test
    void keyedBreakersAreInJmxByTheirKeyedNameUntilAReloadReplacesThem() {
        PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, CallObserver.NONE.circuitBreakerListener(), Runnable::run);
        CircuitBreakerSpec spec = CircuitBreakerSpec.builder().name("per-host").key("#0").build();
        CircuitBreaker eu = registry.keyedCircuitBreakers(spec, PolicyScope.JVM).get("eu");

        assertThat(eu.name()).isEqualTo("per-host[eu]");
        assertThat(server.isRegistered(CircuitBreakerJmx.objectName("per-host[eu]"))).isTrue();
        assertThat(registry.circuitBreaker("per-host[eu]")).isSameAs(eu);
        assertThat(registry.circuitBreakerNames()).contains("per-host[eu]");

        registry.beginReload();
        registry.keyedCircuitBreakers(spec.toBuilder().failureRateThreshold(20).build(), PolicyScope.JVM);
        assertThat(server.isRegistered(CircuitBreakerJmx.objectName("per-host[eu]"))).isFalse();
        assertThat(registry.circuitBreaker("per-host[eu]")).isNull();
    }
}
