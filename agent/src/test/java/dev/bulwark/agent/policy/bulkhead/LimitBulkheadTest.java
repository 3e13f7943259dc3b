package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.annotations.BulkheadType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitBulkheadTest {
    private long now = 1;

    private LimitBulkhead partitioned(int limit) {
        Map<String, Double> shares = new LinkedHashMap<>();
        shares.put("critical", 6.0);
        shares.put("normal", 3.0);
        shares.put("batch", 1.0);
        return new LimitBulkhead(BulkheadSpec.builder().name("b").maxConcurrent(limit).partitionBy("#0.priority")
                .partitions(shares).build(), () -> now);
    }

    @Test
    void sharesAreNormalisedAndAnUnknownValueGoesToTheSmallestPartition() {
        LimitBulkhead bulkhead = partitioned(10);
        assertThat(bulkhead.share(0)).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bulkhead.partitionOf("CRITICAL")).isEqualTo(0);
        assertThat(bulkhead.partitionOf("normal")).isEqualTo(1);
        assertThat(bulkhead.partitionOf("gold")).isEqualTo(2);
        assertThat(bulkhead.partitionOf(null)).isEqualTo(2);
    }

    @Test
    void anIdlePartitionLendsEverySlotButTheLimitHolds() {
        LimitBulkhead bulkhead = partitioned(10);
        for (int i = 0; i < 10; i++) {
            assertThat(bulkhead.tryAcquire(2)).as("batch call %d", i).isTrue();
        }
        assertThat(bulkhead.tryAcquire(2)).isFalse();
        assertThat(bulkhead.tryAcquire(0)).as("no slot past the limit, even within a share").isFalse();
        assertThat(bulkhead.active()).isEqualTo(10);
    }

    @Test
    void aBusyPartitionKeepsItsShareWhileTheSmallestIsRefusedFirst() {
        LimitBulkhead bulkhead = partitioned(10);
        assertThat(bulkhead.tryAcquire(0)).isTrue();
        int batch = 0;
        while (bulkhead.tryAcquire(2)) {
            batch++;
        }
        assertThat(batch).as("batch borrows only what critical is not owed").isEqualTo(4);
        for (int i = 1; i < 6; i++) {
            assertThat(bulkhead.tryAcquire(0)).as("critical call %d within its share", i).isTrue();
        }
        assertThat(bulkhead.active(0)).isEqualTo(6);

        now += LimitBulkhead.ACTIVE_NANOS;
        bulkhead.release(0, 0, false);
        assertThat(bulkhead.tryAcquire(2)).as("critical has had no new call for a while: its slot is lent").isTrue();
    }

    @Test
    void aWaiterOfOnePartitionGetsTheSlotAnotherReleases() throws Exception {
        LimitBulkhead bulkhead = partitioned(1);
        assertThat(bulkhead.tryAcquire(2)).isTrue();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return bulkhead.acquire(0, TimeUnit.MINUTES.toNanos(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        bulkhead.release(2, 0, false);
        assertThat(waiter.get(1, TimeUnit.MINUTES)).isTrue();
        assertThat(bulkhead.active(0)).isEqualTo(1);
        assertThat(bulkhead.acquire(2, TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
    }

    @Test
    void anAdaptiveBulkheadStartsAtItsInitialLimit() {
        LimitBulkhead bulkhead = new LimitBulkhead(BulkheadSpec.builder().name("a").type(BulkheadType.ADAPTIVE)
                .initialLimit(3).build(), () -> now);
        assertThat(bulkhead.limit()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(bulkhead.tryAcquire(bulkhead.partitionOf(null))).isTrue();
        }
        assertThat(bulkhead.tryAcquire(0)).isFalse();
    }

    @Test
    void releaseWithoutAcquireFailsInsteadOfWideningTheBulkhead() {
        LimitBulkhead bulkhead = partitioned(2);
        assertThatThrownBy(() -> bulkhead.release(0, 0, false)).isInstanceOf(IllegalStateException.class);
        assertThat(bulkhead.active()).isZero();
    }
}
