package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreaker;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whose a policy's state is: a method's own policy belongs to it in the class loader that defined its class, a
 * named one to the JVM or, with {@code shared-names = class-loader}, to that loader; and the sites and policies of
 * a loader go when it is collected.
 */
class PolicyScopeTest {
    private static final String POLICIES = "circuit-breaker { }, rate-limiter { name = shared-limiter }";
    private final ChainFixture fixture = new ChainFixture();
    private final ClassLoader parent = PolicyScopeTest.class.getClassLoader();

    @Test
    void twoDeploymentsOfAClassHaveTheirOwnUnnamedPoliciesAndShareANamedOne() throws Exception {
        try (URLClassLoader first = new URLClassLoader(new URL[0], parent);
             URLClassLoader second = new URLClassLoader(new URL[0], parent)) {
            SiteChain one = fixture.sites.get(fixture.register(first, "Example#call()V", definition(false)));
            SiteChain two = fixture.sites.get(fixture.register(second, "Example#call()V", definition(false)));

            assertThat(one.breaker).isNotSameAs(two.breaker);
            assertThat(one.breaker.name()).isEqualTo(two.breaker.name()).isEqualTo("Example#call");
            assertThat(one.limiter).isSameAs(two.limiter);
        }
    }

    @Test
    void withNamesPerClassLoaderEachDeploymentKeepsItsNamesToItself() throws Exception {
        try (URLClassLoader first = new URLClassLoader(new URL[0], parent);
             URLClassLoader second = new URLClassLoader(new URL[0], parent)) {
            SiteChain one = fixture.sites.get(fixture.register(first, "Example#call()V", definition(true)));
            SiteChain two = fixture.sites.get(fixture.register(second, "Example#call()V", definition(true)));
            SiteChain alsoFirst = fixture.sites.get(fixture.register(first, "Example#other()V", definition(true)));

            assertThat(one.limiter).isNotSameAs(two.limiter).isSameAs(alsoFirst.limiter);
        }
    }

    @Test
    void telemetryTellsEachDeploymentsPoliciesApartAndAPlainApplicationsAsBefore() throws Exception {
        List<PolicyName> sitesCounted = new ArrayList<>();
        List<PolicyName> limitersCounted = new ArrayList<>();
        List<PolicyName> breakersCounted = new ArrayList<>();
        CircuitBreakerListener breakers = new CircuitBreakerListener() {
            @Override
            public CircuitBreakerListener forBreaker(String name, String scope) {
                breakersCounted.add(new PolicyName(name, scope));
                return this;
            }
        };
        CallObserver observer = new CallObserver() {
            @Override
            public SiteMetrics siteMetrics(PolicyName site, PolicyName retry, PolicyName bulkhead, PolicyName limiter) {
                sitesCounted.add(site);
                limitersCounted.add(limiter);
                return SiteMetrics.NONE;
            }
        };
        PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, breakers);
        CallSites sites = new CallSites(registry, observer);
        try (URLClassLoader first = new URLClassLoader(new URL[0], parent);
             URLClassLoader second = new URLClassLoader(new URL[0], parent)) {
            for (ClassLoader loader : new ClassLoader[]{parent, first, second}) {
                sites.define(sites.reserve(loader, "Example#call()V"), definition(false));
            }
            sites.define(sites.reserve(first, "Example#other()V"), definition(true));
            String firstScope = PolicyScope.of(first).label();
            String secondScope = PolicyScope.of(second).label();
            PolicyName plain = new PolicyName("Example#call", (String) null);
            PolicyName ofFirst = new PolicyName("Example#call", firstScope);
            PolicyName ofSecond = new PolicyName("Example#call", secondScope);
            Map<PolicyName, CircuitBreaker> visited = new HashMap<>();
            registry.forEachCircuitBreaker(visited::put);

            assertThat(firstScope).isNotNull().isNotEqualTo(secondScope);
            assertThat(sitesCounted).containsExactly(plain, ofFirst, ofSecond, ofFirst);
            assertThat(breakersCounted).containsExactly(plain, ofFirst, ofSecond);
            assertThat(visited.keySet()).containsExactlyInAnyOrder(plain, ofFirst, ofSecond);
            assertThat(limitersCounted).containsExactly(new PolicyName("shared-limiter", (String) null),
                    new PolicyName("shared-limiter", (String) null), new PolicyName("shared-limiter", (String) null),
                    new PolicyName("shared-limiter", firstScope));
        }
    }

    @Test
    void aCollectedLoadersSitesAndOwnPoliciesAreFreedAndItsIdsReused() throws Exception {
        int kept = fixture.register(parent, "Example#kept()V", definition(false));
        Set<Integer> firstIds = new HashSet<>();
        WeakReference<ClassLoader> undeployed = deploy(firstIds);
        int inUse = fixture.sites.size();
        Object firstBreaker = fixture.registry.circuitBreaker("Gone#call");

        assertThat(collected(undeployed)).isTrue();
        assertThat(fixture.sites.size()).isEqualTo(inUse - firstIds.size());
        for (int id : firstIds) {
            assertThat(fixture.sites.get(id)).isNull();
        }
        assertThat(fixture.registry.circuitBreaker("Gone#call")).isNull();
        assertThat(fixture.registry.circuitBreaker("Example#call")).isNotNull();
        assertThat(fixture.sites.get(kept)).isNotNull();

        Set<Integer> redeployedIds = new HashSet<>();
        WeakReference<ClassLoader> redeployed = deploy(redeployedIds);
        assertThat(redeployedIds).isEqualTo(firstIds);
        assertThat(fixture.sites.size()).isEqualTo(inUse);
        assertThat(fixture.registry.circuitBreaker("Gone#call")).as("a fresh breaker").isNotNull().isNotSameAs(firstBreaker);
        assertThat(redeployed.get()).isNotNull();
    }

    /** Weaves three methods of a class of a new loader, and drops everything of it but a weak reference. */
    private WeakReference<ClassLoader> deploy(Set<Integer> ids) throws Exception {
        try (URLClassLoader application = new URLClassLoader(new URL[0], parent)) {
            for (String method : new String[]{"call", "other", "third"}) {
                ids.add(fixture.register(application, "Gone#" + method + "()V", definition("Gone", method, false)));
            }
            return new WeakReference<>(application);
        }
    }

    /** Collects garbage until the loader is; its sites are freed at the next use of the table. */
    private static boolean collected(WeakReference<ClassLoader> loader) throws InterruptedException {
        for (int i = 0; i < 200 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return loader.get() == null;
    }

    private static SiteDefinition definition(boolean namesPerClassLoader) {
        return definition("Example", "call", namesPerClassLoader);
    }

    private static SiteDefinition definition(String className, String method, boolean namesPerClassLoader) {
        Properties properties = new Properties();
        if (namesPerClassLoader) {
            properties.setProperty("bulwark.shared-names", "class-loader");
        }
        BulwarkConfig config = BulwarkConfig.load(null, PolicyScopeTest.class.getClassLoader(), properties, Map.of(),
                problem -> {
                    throw new AssertionError(problem.toString());
                });
        Config blocks = ConfigFactory.parseString(POLICIES);
        Map<PolicyKind, Config> declared = new EnumMap<>(PolicyKind.class);
        declared.put(PolicyKind.CIRCUIT_BREAKER, blocks.getConfig("circuit-breaker"));
        declared.put(PolicyKind.RATE_LIMITER, blocks.getConfig("rate-limiter"));
        return new SiteDefinition(config.resolve(className, method, declared), null, null, Map.of(), 0);
    }
}
