package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.timeout.Watchdog;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which sites share one invocation object for all their calls (no per-thread frame on success), and that a
 * shared site still refuses, retries and counts exactly as a site with frames does.
 */
class SharedInvocationTest {
    private final PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, CallObserver.NONE.circuitBreakerListener());
    private final CallSites sites = new CallSites(registry);
    private final ChainDispatcher dispatcher = new ChainDispatcher(sites, registry, NanoClock.SYSTEM, NanoClock.SYSTEM,
            new Watchdog(NanoClock.SYSTEM), CallObserver.NONE);
    private int sitesMade;

    @Test
    void aLimiterThatNeverWaitsSharesTheInvocationAndStillRefusesThePermitBeyondTheLimit() {
        int site = site("rate-limiter { permits = 2, period = 1h }");

        Invocation first = dispatcher.enter(site);
        Invocation second = dispatcher.enter(site);
        assertThat(first.stateless).isTrue();
        assertThat(second).isSameAs(first);
        assertThat(dispatcher.endStateless(first, null)).isNull();
        assertThat(dispatcher.endStateless(second, null)).isNull();

        Invocation third = dispatcher.enter(site);
        assertThat(third.stateless).isFalse();
        assertThat(third.skipBody).isTrue();
        assertThat(dispatcher.exit(third, null)).isEqualTo(BulwarkBridge.THROW | BulwarkBridge.RATE_LIMITED);
        dispatcher.finish(third);
    }

    @Test
    void aFailedAttemptOfASharedLimiterSiteIsRetriedThroughTheLimiter() {
        int site = site("retry { max-attempts = 3, delay = 0ms }", "rate-limiter { permits = 2, period = 1h }");

        Invocation shared = dispatcher.enter(site);
        assertThat(shared.stateless).isTrue();
        Invocation frame = dispatcher.endStateless(shared, new IllegalStateException("attempt 1"));
        assertThat(frame.stateless).isFalse();
        assertThat(dispatcher.exit(frame, new IllegalStateException("attempt 1"))).isEqualTo(BulwarkBridge.REPEAT);
        // The third attempt finds both permits taken: the limiter's refusal ends the retries.
        assertThat(dispatcher.exit(frame, new IllegalStateException("attempt 2")))
                .isEqualTo(BulwarkBridge.THROW | BulwarkBridge.RATE_LIMITED);
        dispatcher.finish(frame);
    }

    @Test
    void limitersThatWaitOrStandBesideABulkheadOrAreKeyedTakeAFrame() {
        String[][] sitesWithFrames = {
                {"rate-limiter { permits = 5, period = 1h, max-wait = 10ms }"},
                {"rate-limiter { permits = 5, period = 1h }", "bulkhead { max-concurrent = 5 }"},
                {"rate-limiter { permits = 5, period = 1h, key = \"#0\" }"}};
        for (String[] blocks : sitesWithFrames) {
            Invocation invocation = dispatcher.enter(site(blocks));
            if (invocation.wantsArguments) {
                dispatcher.admit(invocation, new Object[]{"user-1"});
            }
            assertThat(invocation.stateless).as(String.join(", ", blocks)).isFalse();
            assertThat(invocation.skipBody).isFalse();
            assertThat(dispatcher.exit(invocation, null)).isEqualTo(BulwarkBridge.PROCEED);
        }
    }

    private int site(String... blocks) {
        BulwarkConfig config = BulwarkConfig.load(null, SharedInvocationTest.class.getClassLoader(), new Properties(),
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
