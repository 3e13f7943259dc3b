package dev.bulwark.it;

import dev.bulwark.it.app.parity.AdaptiveParity;
import org.junit.jupiter.api.Test;

import static dev.bulwark.it.Parity.assertBoth;
import static dev.bulwark.it.Parity.assertBothLong;

/**
 * An adaptive bulkhead's limit follows latency, and a partitioned bulkhead keeps the critical partition's share
 * under a flood of batch calls: the same through a synchronous method, one returning a stage and one returning a
 * Mono.
 */
class AdaptiveParityIT {
    private static final String[] PARTITIONS = {
            "-Dbulwark.policies.orders-sync.bulkhead.partitions.critical=0.6",
            "-Dbulwark.policies.orders-sync.bulkhead.partitions.normal=0.3",
            "-Dbulwark.policies.orders-sync.bulkhead.partitions.batch=0.1",
            "-Dbulwark.policies.orders-async.bulkhead.partitions.critical=0.6",
            "-Dbulwark.policies.orders-async.bulkhead.partitions.normal=0.3",
            "-Dbulwark.policies.orders-async.bulkhead.partitions.batch=0.1",
            "-Dbulwark.policies.orders-mono.bulkhead.partitions.critical=0.6",
            "-Dbulwark.policies.orders-mono.bulkhead.partitions.normal=0.3",
            "-Dbulwark.policies.orders-mono.bulkhead.partitions.batch=0.1"};

    @Test
    void theLimitDropsWhenLatencyRisesAndRecoversWhenItFalls() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath()
                .option("-Dbulwark.defaults.bulkhead.initial-limit=10", "-Dbulwark.defaults.bulkhead.max-limit=64")
                .run(AdaptiveParity.class, "limitFollowsLatency");
        assertBoth(result, "grewWhileFast", "true");
        assertBoth(result, "droppedWhenSlow", "true");
        assertBoth(result, "recoveredWhenFast", "true");
    }

    @Test
    void aCriticalPartitionKeepsItsShareUnderAFloodOfBatchCalls() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().withTestClassPath().option(PARTITIONS)
                .run(AdaptiveParity.class, "criticalKeepsItsShare");
        assertBoth(result, "batchAloneBorrowsEverySlot", "10");
        assertBothLong(result, "criticalCounted", counted -> counted.isEqualTo(200));
        assertBothLong(result, "criticalServedPercent", served -> served.isGreaterThanOrEqualTo(95));
        assertBothLong(result, "criticalHighWater", inside -> inside.isEqualTo(4));
        assertBothLong(result, "insideHighWater", inside -> inside.isLessThanOrEqualTo(10));
        assertBoth(result, "batchShed", "true");
        assertBoth(result, "batchRejectedMetric", "true");
        assertBoth(result, "criticalPermittedMetric", "true");
    }
}
