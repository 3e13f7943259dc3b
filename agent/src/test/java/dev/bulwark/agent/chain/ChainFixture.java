package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.timeout.Watchdog;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/** Call sites declared in config blocks, and a dispatcher over them on the system clock. */
final class ChainFixture {
    final PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, CallObserver.NONE.circuitBreakerListener());
    final CallSites sites = new CallSites(registry);
    private int sitesMade;

    ChainDispatcher dispatcher(CallObserver observer) {
        return new ChainDispatcher(sites, registry, NanoClock.SYSTEM, NanoClock.SYSTEM, new Watchdog(NanoClock.SYSTEM), observer);
    }

    /** A new site with the policies of {@code blocks}, e.g. {@code "retry { max-attempts = 3 }"}. */
    int site(String... blocks) {
        BulwarkConfig config = BulwarkConfig.load(null, ChainFixture.class.getClassLoader(), new Properties(),
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
        return sites.register(new SiteDefinition(config.resolve("Example", method, declared), null, null, Map.of(), 1));
    }
}
