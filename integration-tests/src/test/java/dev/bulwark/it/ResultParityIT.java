package dev.bulwark.it;

import dev.bulwark.it.app.parity.ResultParity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures judged from results: retried, recorded by the breaker, handed to the fallback, the same through a
 * synchronous method, one returning a stage and one returning a Mono; bad checks reported.
 */
class ResultParityIT {
    private static ScenarioResult result;

    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(ResultParity.class, scenario);
    }

    @BeforeAll
    static void runEveryCheck() throws Exception {
        result = run("resultPredicates");
    }

    @Test
    void aResultJudgedAFailureIsRetriedAndWhenRetriesRunOutTheCallerGetsTheLastResult() {
        assertBoth(result, "expression", "ok:status 200 at call 3");
        assertBoth(result, "exhausted", "ok:status 503 at call 4");
        assertBoth(result, "ownMethod", "ok:status 200 at call 3");
        assertBoth(result, "otherClass", "ok:status 200 at call 3");
    }

    @Test
    void aResultJudgedAFailureByTheBreakerIsRecordedWhateverRecordOnSays() {
        assertBoth(result, "state", "OPEN");
        assertBoth(result, "rejected", outcome -> outcome.startsWith("failed:CircuitOpenException:"));
        assertBoth(result, "calls", "2");
    }

    @Test
    void withApplyOnResultTheFallbackReceivesTheLastFailedResult() {
        assertBoth(result, "outcome", "ok:fallback got ResultFailureException with status 503 at call 2");
        assertBoth(result, "recovered", "ok:status 200 at call 2");
    }

    @Test
    void anInvalidCheckIsReportedAtWeavingAndDropped() throws Exception {
        ScenarioResult bad = run("badChecks");
        assertThat(bad.get("badExpression")).isEqualTo("ok:status 503 at call 1");
        assertThat(bad.get("badGetter")).isEqualTo("ok:status 503 at call 1");
        assertThat(bad.get("missingMethod")).isEqualTo("ok:status 503 at call 1");
        assertThat(bad.stderr())
                .contains("retry-on-result of dev.bulwark.it.app.parity.ResultParity#badExpression ignored: expression "
                        + "\"#result.status in 500..\": expected the range's upper end at position 24, found the end."
                        + " The method runs without that check.")
                .contains("retry-on-result of dev.bulwark.it.app.parity.ResultParity#badGetterAsync ignored: expression "
                        + "\"#result.code == 503\": dev.bulwark.it.app.parity.ResultParity$Reply has no public getter 'code'")
                .contains("retry-on-result of dev.bulwark.it.app.parity.ResultParity#missingMethod ignored: result check "
                        + "\"isMissing\": expected a static method 'boolean isMissing(dev.bulwark.it.app.parity.ResultParity$Reply)'"
                        + " in dev.bulwark.it.app.parity.ResultParity, found none at position 1");
    }
}
