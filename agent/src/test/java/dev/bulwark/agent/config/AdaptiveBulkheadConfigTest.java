package dev.bulwark.agent.config;

import dev.bulwark.agent.policy.adaptive.LimitAlgorithmName;
import dev.bulwark.agent.policy.bulkhead.BulkheadSpec;
import dev.bulwark.annotations.BulkheadType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.bulwark.agent.config.ConfigFixture.declared;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adaptive limit's and the partitions' keys of a bulkhead block, read and checked like every other key, and
 * how they go with a bulkhead's {@code key}.
 */
class AdaptiveBulkheadConfigTest {
    @TempDir
    Path dir;
    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private BulkheadSpec bulkheadOf(BulwarkConfig config, String annotation) {
        return config.resolve("com.acme.Orders", "place", declared(PolicyKind.BULKHEAD, annotation))
                .spec(PolicyKind.BULKHEAD, BulkheadSpec.class);
    }

    @Test
    void anAdaptivePartitionedBulkheadTakesItsSharesFromConfigAndItsPartitionKeyFromTheAnnotation() {
        BulwarkConfig config = fixture.load(
                "bulwark.policies.orders.bulkhead {",
                "  type = adaptive, limit-algorithm = vegas, initial-limit = 8, min-limit = 2, max-limit = 50",
                "  partitions { critical = 0.6, normal = 0.3, batch = 0.1 }",
                "}");

        BulkheadSpec spec = bulkheadOf(config, "name = orders, partition-by = \"#0.priority\"");
        assertThat(fixture.problems).isEmpty();
        assertThat(spec.type()).isEqualTo(BulkheadType.ADAPTIVE);
        assertThat(spec.limitAlgorithm()).isEqualTo(LimitAlgorithmName.VEGAS);
        assertThat(spec.initialLimit()).isEqualTo(8);
        assertThat(spec.minLimit()).isEqualTo(2);
        assertThat(spec.maxLimit()).isEqualTo(50);
        assertThat(spec.partitionBy()).isEqualTo("#0.priority");
        assertThat(spec.partitions()).containsEntry("critical", 0.6).containsEntry("batch", 0.1).hasSize(3);
        assertThat(spec.partitioned()).isTrue();
    }

    @Test
    void theDefaultsKeepOnePoolAndGradient2() {
        BulkheadSpec spec = bulkheadOf(fixture.load(""), "");
        assertThat(fixture.problems).isEmpty();
        assertThat(spec.type()).isEqualTo(BulkheadType.SEMAPHORE);
        assertThat(spec.limitAlgorithm()).isEqualTo(LimitAlgorithmName.GRADIENT2);
        assertThat(spec.initialLimit()).isEqualTo(20);
        assertThat(spec.minLimit()).isEqualTo(1);
        assertThat(spec.maxLimit()).isEqualTo(200);
        assertThat(spec.partitioned()).isFalse();
    }

    @Test
    void badValuesAreReportedWithTheirKeys() {
        fixture.load("bulwark.defaults.bulkhead { limit-algorithm = pid, min-limit = 10, max-limit = 5,"
                + " partition-by = \"priority\", partitions { gold = -1 } }");

        assertThat(fixture.problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "bulwark.defaults.bulkhead.limit-algorithm", "bulwark.defaults.bulkhead.max-limit",
                "bulwark.defaults.bulkhead.partition-by", "bulwark.defaults.bulkhead.partitions");
        assertThat(fixture.problems.toString()).contains("[GRADIENT2, VEGAS, AIMD]", "at least min-limit (10)",
                "\"#N.getter\"", "gold = -1.0");
    }

    @Test
    void aKeyGoesOnlyWithAFixedSemaphoreBulkheadWithoutPartitions() {
        BulwarkConfig config = fixture.load(
                "bulwark.policies.pool.bulkhead { type = thread_pool, key = \"#0\" }",
                "bulwark.policies.shared.bulkhead { partition-by = \"#0.priority\", partitions { gold = 1 } }");

        assertThat(bulkheadOf(config, "name = keyed, key = \"#0.tenant\"").key()).isEqualTo("#0.tenant");
        assertThat(fixture.problems).extracting(ConfigProblem::key).containsExactly("bulwark.policies.pool.bulkhead.key");
        assertThat(bulkheadOf(config, "name = adaptive, type = ADAPTIVE, key = \"#0\"").key()).isEmpty();
        assertThat(bulkheadOf(config, "name = shared, key = \"#1\"").key()).isEmpty();

        assertThat(fixture.problems).extracting(ConfigProblem::key).contains(
                "bulwark.policies.pool.bulkhead.key");
        assertThat(fixture.problems.toString()).contains("only a SEMAPHORE bulkhead without partition-by has keys",
                "this one is THREAD_POOL", "this one is ADAPTIVE", "this one is partitioned");
    }
}
