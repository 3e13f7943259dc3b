package dev.bulwark.it;

import dev.bulwark.it.app.parity.LimitsParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/**
 * Bulkheads and rate limiters through a synchronous method, one returning a stage and one returning a Mono: the
 * same outcomes.
 */
class LimitsParityIT {
    private static final String SITE = "dev.bulwark.it.app.parity.LimitsParity#";

    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().withTestClassPath().run(LimitsParity.class, scenario);
    }

    @Test
    void aFullBulkheadRejectsBeyondMaxConcurrentAndFreesSlotsWhenCallsEnd() throws Exception {
        ScenarioResult result = run("aFullBulkheadRejectsAndFreesSlotsWhenCallsEnd");
        assertBoth(result, "holdersEntered", "true");
        assertBoth(result, "third", "failed:BulkheadFullException:bulkhead '" + SITE + "twoAtATime' is full");
        assertBoth(result, "holder0", "ok:done");
        assertBoth(result, "holder1", "ok:done");
        assertBoth(result, "afterRelease", "ok:done");
    }

    @Test
    void maxWaitLetsACallerTakeASlotReleasedWhileItWaits() throws Exception {
        ScenarioResult result = run("maxWaitGetsAReleasedSlot");
        assertBoth(result, "holderEntered", "true");
        assertBoth(result, "waiterEnteredWhileHeld", "false");
        assertBoth(result, "holder", "ok:done");
        assertBoth(result, "waiter", "ok:done");
    }

    @Test
    void maxWaitRunsOutWithBulkheadFull() throws Exception {
        ScenarioResult result = run("maxWaitRunsOut");
        assertBoth(result, "second", "failed:BulkheadFullException:bulkhead '" + SITE + "waitsBriefly' is full");
        assertBothLong(result, "waitedMillis", waited -> waited.isGreaterThanOrEqualTo(190));
        assertBoth(result, "holder", "ok:done");
    }

    @Test
    void aRateLimiterGrantsExactlyItsPermitsThenRejects() throws Exception {
        assertBoth(run("aLimiterGrantsItsPermitsThenRejects"), "calls",
                "ok:ok,ok:ok,ok:ok,failed:RateLimitedException:rate limiter '" + SITE + "threePerMinute' granted no permit");
    }

    @Test
    void maxWaitWaitsForAPermitThatComesInTimeAndRejectsAtOnceOtherwise() throws Exception {
        ScenarioResult result = run("maxWaitForAPermit");
        assertBoth(result, "first", "ok:ok");
        assertBoth(result, "second", "ok:ok");
        assertBothLong(result, "waitedMillis", waited -> waited.isGreaterThanOrEqualTo(200));
        assertBoth(result, "tooFarFirst", "ok:ok");
        assertBoth(result, "tooFarSecond",
                "failed:RateLimitedException:rate limiter '" + SITE + "nextPermitTooFarAway' granted no permit");
    }
}
