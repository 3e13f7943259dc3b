package dev.bulwark.it;

import dev.bulwark.it.app.LimitsScenarios;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsIT {
    private static ScenarioResult run(String scenario) throws Exception {
        return AgentJvm.withAgent().run(LimitsScenarios.class, scenario);
    }

    @Test
    void aSemaphoreBulkheadRejectsBeyondMaxConcurrentAndFreesSlotsOnReturn() throws Exception {
        ScenarioResult result = run("semaphoreBulkhead");
        assertThat(result.get("third")).isEqualTo("BulkheadFullException:bulkhead 'dev.bulwark.it.app.LimitsScenarios#twoAtATime' is full");
        assertThat(result.get("afterRelease")).isEqualTo("done");
        assertThat(result.getInt("highWater")).isEqualTo(2);
    }

    @Test
    void manyThreadsNeverRunMoreThanMaxConcurrentBodies() throws Exception {
        ScenarioResult result = run("neverMoreThanMaxConcurrent");
        assertThat(result.getInt("highWater")).isBetween(1, 3);
        assertThat(result.getInt("total")).isEqualTo(8 * 20_000);
        assertThat(result.getInt("ran")).isPositive();
    }

    @Test
    void bulkheadsWithTheSameNameShareTheirSlots() throws Exception {
        ScenarioResult result = run("bulkheadSharedByName");
        assertThat(result.get("other")).isEqualTo("BulkheadFullException:bulkhead 'inventory' is full");
        assertThat(result.get("afterwards")).isEqualTo("released");
    }

    @Test
    void everyAlgorithmGrantsExactlyItsPermitsThenRejects() throws Exception {
        ScenarioResult result = run("everyAlgorithmGrantsItsPermits");
        for (String algorithm : new String[] {"tokenBucket", "fixedWindow", "slidingWindow"}) {
            assertThat(result.get(algorithm)).as(algorithm)
                    .isEqualTo("ok,ok,ok,RateLimitedException:rate limiter 'dev.bulwark.it.app.LimitsScenarios#" + algorithm
                            + "' granted no permit");
        }
    }

    @Test
    void aKeyGivesEachArgumentValueItsOwnLimiter() throws Exception {
        ScenarioResult result = run("limitersPerKey");
        assertThat(result.get("alice")).startsWith("ok alice,ok alice,RateLimitedException");
        assertThat(result.get("bob")).isEqualTo("ok bob");
        assertThat(result.get("tenantA")).startsWith("ok a,RateLimitedException");
        assertThat(result.get("tenantB")).isEqualTo("ok b");
    }

    @Test
    void limitersWithTheSameNameShareTheirPermits() throws Exception {
        assertThat(run("limiterSharedByName").get("calls"))
                .isEqualTo("search,details,RateLimitedException:rate limiter 'partner-api' granted no permit");
    }

    @Test
    void eightThreadsNeverGetMoreThanThePermits() throws Exception {
        ScenarioResult result = run("limiterNeverOverGrantsUnderContention");
        assertThat(result.getInt("granted")).isEqualTo(50);
        assertThat(result.getInt("rejected")).isEqualTo(8 * 5_000 - 50);
    }
}
