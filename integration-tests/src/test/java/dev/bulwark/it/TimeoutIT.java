package dev.bulwark.it;

import dev.bulwark.it.app.TimeoutScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimeoutIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(TimeoutScenarios.class, scenario);
    }

    @Test
    void theWatchdogInterruptsTheCallerAndTheCallerGetsTimeoutExceeded() throws Exception {
        ScenarioResult result = run("interruptsTheCallerAtTheDeadline");
        assertThat(result.get("outcome")).isEqualTo("threw:TimeoutExceededException:call 'dev.bulwark.it.app.TimeoutScenarios#blocksForAMinute' ran past its timeout");
        assertThat(result.getBoolean("bodySawInterrupt")).isTrue();
        assertThat(result.getBoolean("interruptedAfter")).isFalse();
        // The body would sleep a minute; anything well below proves the interrupt (a generous bound).
        assertThat(result.getLong("elapsedMillis")).isLessThan(30_000);
    }

    @Test
    void aTimeoutOfASecondOrMoreCountedFromTheMillisecondClockIsNeverEarly() throws Exception {
        ScenarioResult result = run("longTimeouts");
        assertThat(result.get("interrupted")).startsWith("threw:TimeoutExceededException");
        assertThat(result.getLong("interruptedAfterMillis")).isGreaterThanOrEqualTo(1_000).isLessThan(30_000);
        assertThat(result.get("late")).startsWith("threw:TimeoutExceededException");
        assertThat(result.get("inTime")).isEqualTo("returned:in time");
        assertThat(result.getBoolean("interruptedAfter")).isFalse();
    }

    @Test
    void aBodyThatReturnsAfterTheDeadlineStillTimesOutWithoutInterrupt() throws Exception {
        ScenarioResult result = run("aLateReturnStillTimesOut");
        assertThat(result.get("outcome")).startsWith("threw:TimeoutExceededException");
        assertThat(result.getBoolean("interruptedAfter")).isFalse();
    }

    @Test
    void theBodyRunsOnTheCallersThreadWithItsThreadLocals() throws Exception {
        assertThat(run("runsOnTheCallersThread").get("outcome")).isEqualTo("returned:caller-thread/request-42");
    }

    @Test
    void anInnerCallGetsTheTimeLeftOfTheEnclosingTimeout() throws Exception {
        ScenarioResult result = run("nestedDeadlinesTakeTheSmaller");
        assertThat(result.get("outcome")).isEqualTo("timeout of dev.bulwark.it.app.TimeoutScenarios#outer");
        assertThat(result.getLong("elapsedMillis")).isLessThan(20_000);
        assertThat(result.getBoolean("interruptedAfter")).isFalse();
    }

    @Test
    void everyRetryAttemptGetsAFreshTimeout() throws Exception {
        ScenarioResult result = run("retriesGetAFreshTimeoutPerAttempt");
        assertThat(result.get("outcome")).isEqualTo("returned:attempt 3");
        assertThat(result.getInt("attempts")).isEqualTo(3);
        assertThat(result.getBoolean("interruptedAfter")).isFalse();
    }

    @Test
    void aLateInterruptNeverHitsTheThreadAfterItsCallReturned() throws Exception {
        ScenarioResult result = run("noLateInterrupt");
        assertThat(result.getInt("strayInterrupts")).isZero();
        assertThat(result.getInt("timedOut") + result.getInt("completed")).isEqualTo(result.getInt("calls"));
        assertThat(result.getInt("timedOut")).as("calls that ran past the deadline").isPositive();
    }

    @Test
    void aTimedCallAllocatesNothing() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().option("-Xmx256m").run(TimeoutScenarios.class, "timeoutAllocatesNothing");
        assertThat(Double.parseDouble(result.get("bytesPerCall"))).isLessThan(1.0);
    }
}
