package dev.bulwark.agent.policy.circuitbreaker;

import static dev.bulwark.agent.policy.circuitbreaker.BreakerDriver.spec;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerJmxTest {
    private static final String NAME = "com.acme.Billing#charge";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final BreakerDriver d = new BreakerDriver(spec().name(NAME).minimumCalls(2).windowSize(10).failureRateThreshold(100));

    @AfterEach
    void unregister() {
        CircuitBreakerJmx.unregister(d.breaker);
    }

    @Test
    void exposesStateAndCountersUnderAQuotedName() throws Exception {
        d.fail(1);
        d.succeed(3);

        ObjectName name = CircuitBreakerJmx.register(d.breaker, null);

        assertThat(name.toString()).isEqualTo("dev.bulwark:type=CircuitBreaker,name=\"com.acme.Billing#charge\"");
        assertThat(server.getAttribute(name, "State")).isEqualTo("CLOSED");
        assertThat(server.getAttribute(name, "FailureRate")).isEqualTo(25f);
        assertThat(server.getAttribute(name, "SlowCallRate")).isEqualTo(0f);
        assertThat(server.getAttribute(name, "BufferedCalls")).isEqualTo(4L);
        assertThat(server.getAttribute(name, "FailedCalls")).isEqualTo(1L);
        assertThat(server.getAttribute(name, "NotPermittedCalls")).isEqualTo(0L);
        assertThat(server.getMBeanInfo(name).getAttributes()).allMatch(a -> a.isReadable() && !a.isWritable());
    }

    @Test
    void operationsForceOpenDisableAndReset() throws Exception {
        ObjectName name = CircuitBreakerJmx.register(d.breaker, null);

        server.invoke(name, "forceOpen", null, null);
        assertThat(d.state()).isEqualTo(CircuitState.OPEN);
        assertThat(server.getAttribute(name, "State")).isEqualTo("OPEN");

        server.invoke(name, "disable", null, null);
        assertThat(server.getAttribute(name, "State")).isEqualTo("DISABLED");

        server.invoke(name, "reset", null, null);
        assertThat(d.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void registeringTheSameNameAgainReplacesTheBean() throws Exception {
        BreakerDriver replacement = new BreakerDriver(spec().name(NAME));
        replacement.breaker.forceOpen();
        CircuitBreakerJmx.register(d.breaker, null);
        CircuitBreakerJmx.register(d.breaker, null);

        ObjectName name = CircuitBreakerJmx.register(replacement.breaker, null);

        assertThat(server.getAttribute(name, "State")).isEqualTo("OPEN");
        CircuitBreakerJmx.unregister(d.breaker);
        assertThat(server.isRegistered(name)).as("a replaced breaker cannot unregister its successor").isTrue();
        CircuitBreakerJmx.unregister(replacement.breaker);
        assertThat(server.isRegistered(name)).isFalse();
    }
}
