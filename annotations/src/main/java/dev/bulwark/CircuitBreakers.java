package dev.bulwark;

import java.util.Collections;
import java.util.List;

/**
 * Finds the circuit breakers of the running Bulwark agent by name. Without the agent there are none. The
 * same operations are exposed over JMX as {@code dev.bulwark:type=CircuitBreaker,name="..."}.
 */
public final class CircuitBreakers {
    /** Set by the agent when it starts; application code never sets it. */
    private static volatile Registry registry;

    private CircuitBreakers() {
    }

    /** The breaker with this name (a shared name, or the method's own {@code com.acme.Foo#bar}), or null. */
    public static CircuitBreakerControl find(String name) {
        Registry current = registry;
        return current == null ? null : current.find(name);
    }

    /** The names of every breaker created so far, sorted. */
    public static List<String> names() {
        Registry current = registry;
        return current == null ? Collections.<String>emptyList() : current.names();
    }

    /** What the agent provides behind this class. */
    public interface Registry {
        CircuitBreakerControl find(String name);

        List<String> names();
    }
}
