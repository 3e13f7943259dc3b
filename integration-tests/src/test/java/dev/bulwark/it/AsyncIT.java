package dev.bulwark.it;

import dev.bulwark.it.app.AsyncScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AsyncIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(AsyncScenarios.class, scenario);
    }

    @Test
    void retriesAreRescheduledSoOneSingleThreadedExecutorStillFinishesTheWork() throws Exception {
        ScenarioResult result = run("retryWithoutBlockingAThread");
        assertThat(result.get("outcome")).isEqualTo("completed:ok after 3 on the-only-worker");
        assertThat(result.getInt("calls")).isEqualTo(3);
    }

    @Test
    void aTimeoutCompletesTheStageExceptionallyAndCancelsTheBodysStage() throws Exception {
        ScenarioResult result = run("timeoutCompletesTheStageAndCancelsTheBody");
        assertThat(result.get("outcome")).isEqualTo(
                "failed:TimeoutExceededException:call 'dev.bulwark.it.app.AsyncScenarios#neverCompletes' ran past its timeout");
        assertThat(result.getBoolean("bodyCancelled")).isTrue();
    }

    @Test
    void theBreakerRecordsWhenTheStageCompletesAndRejectsWithAFailedStage() throws Exception {
        ScenarioResult result = run("breakerRecordsOnCompletion");
        assertThat(result.get("first")).isEqualTo("failed:IllegalStateException:failed on completion");
        assertThat(result.get("second")).isEqualTo("failed:IllegalStateException:failed on completion");
        assertThat(result.get("third")).startsWith("failed:CircuitOpenException");
        assertThat(result.getInt("calls")).isEqualTo(2);
    }

    @Test
    void aSemaphoreBulkheadIsHeldUntilTheStageCompletes() throws Exception {
        ScenarioResult result = run("bulkheadReleasesOnCompletion");
        assertThat(result.get("whileRunning")).startsWith("failed:BulkheadFullException");
        assertThat(result.get("first")).isEqualTo("completed:first");
        assertThat(result.get("afterCompletion")).isEqualTo("completed:third");
        assertThat(result.getInt("calls")).isEqualTo(2);
    }

    @Test
    void aRateLimiterRejectsWithAFailedStage() throws Exception {
        ScenarioResult result = run("rateLimitedStages");
        assertThat(result.get("first")).isEqualTo("completed:granted");
        assertThat(result.get("second")).startsWith("failed:RateLimitedException");
    }

    @Test
    void aFallbackMayReturnAValueOrAStage() throws Exception {
        ScenarioResult result = run("fallbacksReturnValuesOrStages");
        assertThat(result.get("value")).isEqualTo("completed:value after down");
        assertThat(result.get("stage")).isEqualTo("completed:stage from fallback");
    }

    @Test
    void aThreadPoolBulkheadRunsBodiesOnItsThreadsBehindABoundedQueue() throws Exception {
        ScenarioResult result = run("threadPoolBulkhead");
        assertThat(result.get("rejected")).startsWith("failed:BulkheadFullException");
        assertThat(result.get("running")).startsWith("completed:ran on bulwark-bulkhead-");
        assertThat(result.get("queued")).startsWith("completed:ran on bulwark-bulkhead-");
    }
}
