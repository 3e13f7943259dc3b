package dev.bulwark.it;

import dev.bulwark.it.app.parity.KeyedParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyed breakers and bulkheads (docs/configuration.md) through a synchronous method, one returning a stage and one
 * returning a Mono.
 */
class KeyedParityIT {
    private static final String SITE = "dev.bulwark.it.app.parity.KeyedParity#";

    @Test
    void keyedBreakersAndBulkheadsActForTheirKeyAloneJudgingResultsAndObeyingAnOperator() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                .run(KeyedParity.class, "keyedPoliciesActPerKey");

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

        assertBoth(result, "judgedAState", "OPEN");
        assertBoth(result, "judgedARejected", "failed:CircuitOpenException:circuit breaker '" + SITE + "judged[a]' is open");
        assertBoth(result, "judgedB", "ok:status 200");
        assertBoth(result, "judgedBState", "CLOSED");
        assertBoth(result, "disabledA", "ok:status 503");
        assertBoth(result, "disabledAState", "DISABLED");
    }

    @Test
    void aHundredThousandDistinctBreakerKeysStayBounded() throws Exception {
        // With Reactor, which KeyedParity's Mono twins name: a class the agent cannot describe is not woven.
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                .option("-Dbulwark.defaults.circuit-breaker.max-keys=2000", "-Dscenario.maxKeys=2000")
                .run(KeyedParity.class, "floodOfKeysStaysBounded");

        assertThat(result.getInt("served")).isEqualTo(100_000);
        assertThat(result.getInt("mostLive")).isBetween(1, 2_000);
        assertThat(result.get("jmxBeansSettled")).isEqualTo("true");
        // Two thousand breakers, each with its window and MBean, against fifty times as many were none evicted.
        assertThat(result.getLong("heapGrowthMb")).isLessThan(48);
    }
}
