package dev.bulwark.agent.policy.circuitbreaker;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Publishes breakers as standard MBeans on the platform MBean server.
 *
 * <p>Not for {@code premain}: touching the platform MBean server before the application starts breaks
 * applications that install their own {@code java.util.logging} manager or MBean server builder
 * (WildFly, JBoss); register lazily, e.g. when a breaker is first created by a woven call.
 */
public final class CircuitBreakerJmx {
    private static final ConcurrentMap<ObjectName, CircuitBreaker> REGISTERED = new ConcurrentHashMap<>();

    private CircuitBreakerJmx() {
    }

    public static ObjectName objectName(String breakerName) {
        return objectName(breakerName, null);
    }

    /**
     * @param loader the label of the class loader whose breaker it is, when several deployments may each have one
     *               of that name ({@code loader="WebappClassLoader@1b2c3d"}); null for a breaker of the whole JVM
     */
    public static ObjectName objectName(String breakerName, String loader) {
        try {
            return new ObjectName("dev.bulwark:type=CircuitBreaker,name=" + ObjectName.quote(breakerName)
                    + (loader == null ? "" : ",loader=" + ObjectName.quote(loader)));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no JMX name for circuit breaker '" + breakerName + "'", e);
        }
    }

    /**
     * Registers the breaker under its name. A breaker registered earlier under the same name (say,
     * before a config reload replaced it) is replaced, so the bean always shows the live one.
     *
     * @throws IllegalStateException when the MBean server refuses the bean for another reason
     */
    public static ObjectName register(CircuitBreaker breaker, String loader) {
        ObjectName name = objectName(breaker.name(), loader);
        REGISTERED.compute(name, (key, previous) -> {
            registerReplacing(name, bean(breaker));
            return breaker;
        });
        return name;
    }

    /** Unregisters the breaker's bean, unless another breaker has replaced it under that name since. */
    public static void unregister(CircuitBreaker breaker) {
        for (ObjectName name : REGISTERED.keySet()) {
            REGISTERED.computeIfPresent(name, (key, registered) -> {
                if (registered != breaker) {
                    return registered;
                }
                unregisterQuietly(key);
                return null;
            });
        }
    }

    /**
     * Unregisters the bean of a breaker registered with {@code loader}, unless another breaker has replaced it
     * under that name since: one lookup, for breakers evicted by the thousand (keyed breakers).
     */
    public static void unregister(CircuitBreaker breaker, String loader) {
        REGISTERED.computeIfPresent(objectName(breaker.name(), loader), (key, registered) -> {
            if (registered != breaker) {
                return registered;
            }
            unregisterQuietly(key);
            return null;
        });
    }

    private static StandardMBean bean(CircuitBreaker breaker) {
        try {
            return new StandardMBean(new CircuitBreakerJmxBean(breaker), CircuitBreakerMBean.class);
        } catch (JMException e) {
            throw new IllegalStateException("circuit breaker MBean not compliant", e);
        }
    }

    private static void registerReplacing(ObjectName name, StandardMBean bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        // A second attempt covers a bean registered under the name by someone outside this map
        // (e.g. a second copy of the agent) between our unregister and register.
        for (int attempt = 0; ; attempt++) {
            unregisterQuietly(name);
            try {
                server.registerMBean(bean, name);
                return;
            } catch (InstanceAlreadyExistsException e) {
                if (attempt > 0) {
                    throw new IllegalStateException("cannot replace MBean " + name, e);
                }
            } catch (JMException e) {
                throw new IllegalStateException("cannot register MBean " + name, e);
            }
        }
    }

    private static void unregisterQuietly(ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        // Asking first spares the usual case, a name never registered, an exception thrown through six frames.
        if (!server.isRegistered(name)) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // Nothing registered under the name: the state we want.
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister MBean " + name, e);
        }
    }
}
