package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which sites share one invocation object for all their calls (no per-thread frame on success), and that a
 * shared site still refuses, retries and counts exactly as a site with frames does.
 */
class SharedInvocationTest {
    private final ChainFixture chains = new ChainFixture();
    private final ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);

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
        return chains.site(blocks);
    }
}
