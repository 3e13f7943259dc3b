package dev.bulwark.it;

import dev.bulwark.it.app.parity.AdaptiveTimeoutParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/**
 * Adaptive timeouts (docs/configuration.md) through a synchronous method, one returning a stage and one returning a
 * Mono.
 */
class AdaptiveTimeoutParityIT {
    private static final String SITE = "dev.bulwark.it.app.parity.AdaptiveTimeoutParity#";

    @Test
    void anAdaptiveTimeoutTightensAfterWarmUpAndNeverExceedsItsValue() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                // The p90 of the 1s call and the warm-up's twenty is that of the warm-up.
                .option("-Dbulwark.defaults.timeout.adaptive.min-calls=20",
                        "-Dbulwark.defaults.timeout.adaptive.percentile=90", "-Dscenario.warmUp=20")
                .run(AdaptiveTimeoutParity.class, "adaptiveTimeoutTightensAfterWarmUp");

        assertBoth(result, "beforeWarmUp", "ok:slept 1000");
        assertBoth(result, "warmUp", "ok:slept 1");
        assertBoth(result, "afterWarmUp", "failed:TimeoutExceededException:call '" + SITE + "takes' ran past its timeout");
        // The deadline is 1.5 times the p90 of calls of a millisecond: it ends the call before its body would.
        assertBothLong(result, "afterWarmUpMillis", elapsed -> elapsed.isLessThan(1_000));
        assertBoth(result, "interruptedAfter", "false");
    }
}
