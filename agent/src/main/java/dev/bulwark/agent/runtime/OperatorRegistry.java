package dev.bulwark.agent.runtime;

import dev.bulwark.CircuitBreakerControl;
import dev.bulwark.CircuitBreakers;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerMetrics;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Backs the public {@link CircuitBreakers} API, and the admin endpoint's breaker control, with the agent's breakers. */
public final class OperatorRegistry implements CircuitBreakers.Registry {
    private final PolicyRegistry policies;

    private OperatorRegistry(PolicyRegistry policies) {
        this.policies = policies;
    }

    /**
     * Installs the registry into the bootstrap copy of {@link CircuitBreakers}, the one every ordinary class
     * loader resolves. The field is private so that applications cannot replace it.
     *
     * @return the registry, for the admin endpoint, even when the API could not be given it
     */
    static OperatorRegistry install(PolicyRegistry policies) {
        OperatorRegistry registry = new OperatorRegistry(policies);
        try {
            Field field = CircuitBreakers.class.getDeclaredField("registry");
            field.setAccessible(true);
            field.set(null, registry);
        } catch (ReflectiveOperationException | RuntimeException e) {
            BulwarkLog.warn("the CircuitBreakers API is unavailable (JMX still works): " + e);
        }
        return registry;
    }

    @Override
    public CircuitBreakerControl find(String name) {
        CircuitBreaker breaker = policies.circuitBreaker(name);
        return breaker == null ? null : new Control(breaker);
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        policies.circuitBreakerNames().forEach(names::add);
        Collections.sort(names);
        return names;
    }

    private static final class Control implements CircuitBreakerControl {
        private final CircuitBreaker breaker;

        Control(CircuitBreaker breaker) {
            this.breaker = breaker;
        }

        @Override
        public String name() {
            return breaker.name();
        }

        @Override
        public String state() {
            return breaker.state().name();
        }

        @Override
        public float failureRate() {
            return metrics().failureRate();
        }

        @Override
        public float slowCallRate() {
            return metrics().slowCallRate();
        }

        @Override
        public long bufferedCalls() {
            return metrics().bufferedCalls();
        }

        @Override
        public long failedCalls() {
            return metrics().failedCalls();
        }

        @Override
        public long slowCalls() {
            return metrics().slowCalls();
        }

        @Override
        public long notPermittedCalls() {
            return metrics().notPermittedCalls();
        }

        private CircuitBreakerMetrics metrics() {
            return breaker.metrics();
        }

        @Override
        public void forceOpen() {
            breaker.forceOpen();
        }

        @Override
        public void disable() {
            breaker.disable();
        }

        @Override
        public void reset() {
            breaker.reset();
        }

        @Override
        public String toString() {
            return "CircuitBreaker " + breaker.name() + " " + breaker.state();
        }
    }
}
