package dev.bulwark.it;

import dev.bulwark.it.app.parity.BudgetParity;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Paths;

import static dev.bulwark.it.Parity.assertBothLong;
import static org.assertj.core.api.Assertions.assertThat;

/** A retry budget bounds the retries of many failing calls: synchronously, asynchronously and through a Mono alike. */
class BudgetParityIT {
    private static String config() throws URISyntaxException {
        return Paths.get(BudgetParity.class.getResource("budget.conf").toURI()).toString();
    }

    @Test
    void aThousandCallsAgainstAHalfFailingServerRetryAtMostRatioTimesCallsPlusMinPerSecond() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().agentArguments("config=" + config())
                .run(BudgetParity.class, "aBudgetBoundsTheRetriesOfManyCalls");

        for (String mode : new String[] {"SYNC", "ASYNC", "MONO"}) {
            long seconds = result.getLong(mode + ".elapsedSeconds");
            // ratio 0.1 of 1,000 first attempts, plus 2 a second for every second started.
            assertThat(result.getLong(mode + ".retries")).as(mode)
                    .isLessThanOrEqualTo(100 + 2 * (seconds + 1));
        }
        // Without the budget every failing call would be retried (about 500 retries) and none would fail.
        assertBothLong(result, "retries", retries -> retries.isGreaterThanOrEqualTo(100));
        assertBothLong(result, "failedCalls", failed -> failed.isGreaterThan(300));
    }
}
