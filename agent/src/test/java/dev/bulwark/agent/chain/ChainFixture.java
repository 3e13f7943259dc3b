package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.policy.MillisecondClock;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.timeout.DeadlineClock;
import dev.bulwark.agent.policy.timeout.Watchdog;
import dev.bulwark.agent.reactive.ReactiveType;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/** Call sites declared in config blocks, and a dispatcher over them. */
final class ChainFixture {
    private final NanoClock exact;
    private final NanoClock millisecond;
    final PolicyRegistry registry;
    final CallSites sites;
    private int sitesMade;
    /** {@code -Dbulwark.…} settings the sites' config is read with, e.g. a retry budget. */
    final Properties properties = new Properties();

    /** On the system clock, every deadline counted from it. */
    ChainFixture() {
        this(CallObserver.NONE);
    }

    /** On the system clock; the chains get their counts from {@code observer}, as the agent's do. */
    ChainFixture(CallObserver observer) {
        this(NanoClock.SYSTEM, NanoClock.SYSTEM, DeadlineClock.EXACT, observer);
    }

    /** Over {@code exact}, with breakers and timeouts of a second or more on {@code millisecond}. */
    ChainFixture(NanoClock exact, MillisecondClock millisecond) {
        this(exact, millisecond, CallObserver.NONE);
    }

    /** Over {@code exact} and {@code millisecond}, the chains getting their counts from {@code observer}. */
    ChainFixture(NanoClock exact, MillisecondClock millisecond, CallObserver observer) {
        this(exact, millisecond, new DeadlineClock(millisecond), observer);
    }

    private ChainFixture(NanoClock exact, NanoClock millisecond, DeadlineClock deadlines, CallObserver observer) {
        this.exact = exact;
        this.millisecond = millisecond;
        this.registry = new PolicyRegistry(millisecond, deadlines, CallObserver.NONE.circuitBreakerListener());
        this.sites = new CallSites(registry, observer);
    }

    ChainDispatcher dispatcher(CallObserver observer) {
        return new ChainDispatcher(sites, registry, exact, millisecond, new Watchdog(exact, registry.deadlineClock()), observer);
    }

    /** A new site with the policies of {@code blocks}, e.g. {@code "retry { max-attempts = 3 }"}. */
    int site(String... blocks) {
        return site(null, null, null, blocks);
    }

    /**
     * A new site whose method returns a CompletionStage: {@code body}, a static no-argument method of
     * {@code declaringType}, is what the runtime re-invokes; {@code fallback}, when not null, a static method of
     * it taking the failure.
     */
    int asyncSite(Class<?> declaringType, String body, String fallback, String... blocks) {
        SiblingMethod fallbackMethod = fallback == null ? null
                : new SiblingMethod(fallback, java.util.List.of(), Throwable.class.getName(), true);
        return site(new SiblingMethod(body, java.util.List.of(), null, true), fallbackMethod, null, blocks);
    }

    /**
     * A new site whose method returns the reactive type {@code typeName}: {@code body}, a static no-argument
     * method of {@code declaringType}, is called for each attempt. Outside the agent jar there is no Reactor
     * adapter, so every type goes through {@link java.util.concurrent.Flow}.
     */
    int reactiveSite(Class<?> declaringType, String body, String typeName, String... blocks) {
        return site(new SiblingMethod(body, java.util.List.of(), null, true), null, ReactiveType.named(typeName), blocks);
    }

    /** A new synchronous site whose fallback, a static no-argument method, takes a failure of {@code failureType}. */
    int siteWithFallback(String failureType, String... blocks) {
        return site(null, new SiblingMethod("fallback", java.util.List.of(), failureType, true), null, blocks);
    }

    private int site(SiblingMethod asyncBody, SiblingMethod fallback, ReactiveType reactive, String... blocks) {
        BulwarkConfig config = BulwarkConfig.load(null, ChainFixture.class.getClassLoader(), properties,
                Map.of(), problem -> {
                    throw new AssertionError(problem.toString());
                });
        Map<PolicyKind, Config> declared = new EnumMap<>(PolicyKind.class);
        for (String block : blocks) {
            Config parsed = ConfigFactory.parseString(block);
            for (PolicyKind kind : PolicyKind.values()) {
                if (parsed.hasPath(kind.configKey())) {
                    declared.put(kind, parsed.getConfig(kind.configKey()));
                }
            }
        }
        String method = "call" + ++sitesMade;
        SiteDefinition definition = new SiteDefinition(config.resolve("Example", method, declared), fallback, asyncBody,
                Map.of(), 0);
        return register(ChainFixture.class.getClassLoader(), "Example#" + method,
                reactive == null ? definition : definition.reactive(reactive));
    }

    /** Weaves {@code method} of {@code loader}'s class: reserves its id and defines its site. */
    int register(ClassLoader loader, String method, SiteDefinition definition) {
        int site = sites.reserve(loader, method);
        sites.define(site, definition);
        return site;
    }
}
