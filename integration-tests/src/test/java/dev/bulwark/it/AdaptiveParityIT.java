package dev.bulwark.it;

import dev.bulwark.it.app.parity.AdaptiveParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;
import static org.assertj.core.api.Assertions.assertThat;

/** Adaptive protection (docs/configuration.md) through a synchronous method and through one returning a stage. */
class AdaptiveParityIT {
    private static final String SITE = "dev.bulwark.it.app.parity.AdaptiveParity#";

    @Test
    void anAdaptiveTimeoutTightensAfterWarmUpAndNeverExceedsItsValue() throws Exception {
        ScenarioResult result = AgentJvm.withAgent()
                // The p90 of the 1s call and the warm-up's twenty is that of the warm-up.
                .option("-Dbulwark.defaults.timeout.adaptive.min-calls=20",
                        "-Dbulwark.defaults.timeout.adaptive.percentile=90", "-Dscenario.warmUp=20")
                .run(AdaptiveParity.class, "adaptiveTimeoutTightensAfterWarmUp");

        assertBoth(result, "beforeWarmUp", "ok:slept 1000");
        assertBoth(result, "warmUp", "ok:slept 1");
        assertBoth(result, "afterWarmUp", "failed:TimeoutExceededException:call '" + SITE + "takes' ran past its timeout");
        // The deadline is 1.5 times the p90 of calls of a millisecond: it ends the call before its body would.
        assertBothLong(result, "afterWarmUpMillis", elapsed -> elapsed.isLessThan(1_000));
        assertBoth(result, "interruptedAfter", "false");
    }

    @Test
    void keyedBreakersAndBulkheadsActForTheirKeyAlone() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().run(AdaptiveParity.class, "keyedPoliciesActPerKey");

        assertBoth(result, "holderEntered", "true");
        assertBoth(result, "aFull", outcome -> outcome.startsWith("failed:BulkheadFullException:"));
        assertBoth(result, "bServed", "ok:done for b");
        assertBoth(result, "holder", "ok:done for a");

        assertBoth(result, "hostAFails", "failed:IllegalStateException:a failed");
        assertBoth(result, "hostARejected", "failed:CircuitOpenException:circuit breaker '" + SITE + "perHost[a]' is open");
        assertBoth(result, "hostBServed", "ok:served by b");
        assertBoth(result, "aState", "OPEN");
        assertBoth(result, "bState", "CLOSED");
        assertBoth(result, "names", "[" + SITE + "perHost[a], " + SITE + "perHost[b]]");
    }

    @Test
    void aHundredThousandDistinctBreakerKeysStayBounded() throws Exception {
        ScenarioResult result = AgentJvm.withAgent()
                .option("-Dbulwark.defaults.circuit-breaker.max-keys=2000", "-Dscenario.maxKeys=2000")
                .run(AdaptiveParity.class, "floodOfKeysStaysBounded");

        assertThat(result.getInt("served")).isEqualTo(100_000);
        assertThat(result.getInt("mostLive")).isBetween(1, 2_000);
        assertThat(result.get("jmxBeansSettled")).isEqualTo("true");
        // Two thousand breakers, each with its window and MBean, against fifty times as many were none evicted.
        assertThat(result.getLong("heapGrowthMb")).isLessThan(48);
    }
}
