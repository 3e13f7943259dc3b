package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.annotations.BulkheadType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads of three partitions, some waiting and some not, against a small limit: whatever the interleaving,
 * the bodies inside never outnumber the limit, and every slot comes back.
 */
class LimitBulkheadStressTest {
    private static final int THREADS = 9;
    private static final int CALLS_PER_THREAD = 3_000;
    private static final int LIMIT = 5;

    private static Map<String, Double> shares() {
        Map<String, Double> shares = new LinkedHashMap<>();
        shares.put("critical", 0.6);
        shares.put("normal", 0.3);
        shares.put("batch", 0.1);
        return shares;
    }

    @Test
    void aPartitionedBulkheadNeverAdmitsPastItsLimit() throws Exception {
        LimitBulkhead bulkhead = new LimitBulkhead(BulkheadSpec.builder().name("stress").maxConcurrent(LIMIT)
                .partitionBy("#0").partitions(shares()).build());
        Result result = hammer(bulkhead, () -> LIMIT);

        assertThat(result.highWater).isBetween(1, LIMIT);
        assertThat(result.overAdmissions).isZero();
        assertThat(bulkhead.active()).isZero();
        for (int p = 0; p < 3; p++) {
            assertThat(bulkhead.active(p)).isZero();
            assertThat(result.entered.get(p)).as("partition %d got slots", p).isPositive();
        }
    }

    @Test
    void anAdaptiveBulkheadNeverAdmitsPastItsMaximumWhileItsLimitMoves() throws Exception {
        LimitBulkhead bulkhead = new LimitBulkhead(BulkheadSpec.builder().name("stress-adaptive")
                .type(BulkheadType.ADAPTIVE).initialLimit(LIMIT).minLimit(1).maxLimit(LIMIT + 2)
                .partitionBy("#0").partitions(shares()).build());
        Result result = hammer(bulkhead, () -> LIMIT + 2);

        assertThat(result.highWater).isBetween(1, LIMIT + 2);
        assertThat(result.overAdmissions).isZero();
        assertThat(bulkhead.active()).isZero();
    }

    private static Result hammer(LimitBulkhead bulkhead, java.util.function.IntSupplier bound) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        Result result = new Result();
        AtomicInteger highWater = new AtomicInteger();
        AtomicInteger over = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int partition = t % 3;
                boolean waits = t % 2 == 0;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        boolean admitted = waits ? bulkhead.acquire(partition, TimeUnit.MILLISECONDS.toNanos(50))
                                : bulkhead.tryAcquire(partition);
                        if (!admitted) {
                            continue;
                        }
                        long started = bulkhead.nanoTime();
                        try {
                            result.entered.incrementAndGet(partition);
                            int now = inside.incrementAndGet();
                            highWater.accumulateAndGet(now, Math::max);
                            if (now > bound.getAsInt()) {
                                over.incrementAndGet();
                            }
                            Thread.yield();
                            inside.decrementAndGet();
                        } finally {
                            bulkhead.release(partition, started, false);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        result.highWater = highWater.get();
        result.overAdmissions = over.get();
        return result;
    }

    private static final class Result {
        final AtomicIntegerArray entered = new AtomicIntegerArray(3);
        int highWater;
        int overAdmissions;
    }
}
