package dev.bulwark.it;

import dev.bulwark.it.app.parity.ChainParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;

/**
 * The order of the chain through a synchronous method, one returning a stage and one returning a Mono: the same
 * outcomes.
 */
class ChainParityIT {
    private static final String SITE = "dev.bulwark.it.app.parity.ChainParity#";

    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(ChainParity.class, scenario);
    }

    private static String open(String method) {
        return "failed:CircuitOpenException:circuit breaker '" + SITE + method + "' is open";
    }

    @Test
    void aRetryOutsideTheBreakerEndsAtItsCircuitOpenException() throws Exception {
        ScenarioResult result = run("anOpenCircuitEndsTheRetryLoop");
        assertBoth(result, "first", open("retriedThroughBreaker"));
        assertBoth(result, "bodyRuns", "2");
        assertBoth(result, "second", open("retriedThroughBreaker"));
        assertBoth(result, "bodyRunsAfterOpen", "0");
    }

    @Test
    void theBreakerRecordsTheRejectionsOfTheBulkheadInsideIt() throws Exception {
        ScenarioResult result = run("theBreakerRecordsBulkheadRejections");
        assertBoth(result, "holderEntered", "true");
        assertBoth(result, "rejected1", "failed:BulkheadFullException:bulkhead '" + SITE + "oneSlotBehindABreaker' is full");
        assertBoth(result, "rejected2", "failed:BulkheadFullException:bulkhead '" + SITE + "oneSlotBehindABreaker' is full");
        assertBoth(result, "state", "OPEN");
        assertBoth(result, "holder", "ok:done");
        assertBoth(result, "afterRelease", open("oneSlotBehindABreaker"));
        assertBoth(result, "bodyRuns", "1");
    }

    @Test
    void theBreakerRecordsTheRejectionsOfTheRateLimiterInsideIt() throws Exception {
        ScenarioResult result = run("theBreakerRecordsLimiterRejections");
        assertBoth(result, "first", "ok:granted");
        assertBoth(result, "second", "failed:RateLimitedException:rate limiter '" + SITE + "limitedBehindABreaker' granted no permit");
        assertBoth(result, "state", "OPEN");
        assertBoth(result, "third", open("limitedBehindABreaker"));
        assertBoth(result, "bodyRuns", "1");
    }

    @Test
    void theFallbackOutsideEverythingGetsRejectionsAfterTheRetries() throws Exception {
        ScenarioResult result = run("theFallbackGetsRejections");
        assertBoth(result, "limitedFirst", "ok:granted");
        assertBoth(result, "limitedSecond", "ok:fallback after RateLimitedException");
        assertBoth(result, "limitedBodyRuns", "1");
        assertBoth(result, "breaker1", "ok:fallback after IllegalStateException");
        assertBoth(result, "breaker2", "ok:fallback after IllegalStateException");
        assertBoth(result, "breaker3", "ok:fallback after CircuitOpenException");
        assertBoth(result, "breakerBodyRuns", "2");
    }

    @Test
    void everyAttemptGivesItsBulkheadSlotBack() throws Exception {
        ScenarioResult result = run("failedAttemptsGiveTheirSlotBack");
        assertBoth(result, "retried", "ok:ok after 3");
        assertBoth(result, "again", "ok:ok after 4");
        assertBoth(result, "threw", "failed:IllegalStateException:boom");
        assertBoth(result, "threwAgain", "failed:IllegalStateException:boom");
    }
}
