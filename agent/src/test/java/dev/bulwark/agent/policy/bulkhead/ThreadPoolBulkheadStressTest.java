package dev.bulwark.agent.policy.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.annotations.BulkheadType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadPoolBulkheadStressTest {
    private static final int SUBMITTERS = 8;
    private static final int SUBMISSIONS_EACH = 1_500;
    private static final int MAX_CONCURRENT = 3;

    @Test
    void neverRunsMoreThanMaxConcurrentAndCompletesAllAcceptedWork() throws Exception {
        ThreadPoolBulkhead bulkhead = new ThreadPoolBulkhead(BulkheadSpec.builder().name("stress")
                .type(BulkheadType.THREAD_POOL).maxConcurrent(MAX_CONCURRENT).queueCapacity(5).build(),
                ThreadPoolBulkheadTest.namedDaemons());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(SUBMITTERS);
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        try {
            List<Future<List<CompletableFuture<Integer>>>> batches = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                batches.add(submitters.submit(() -> {
                    start.await();
                    List<CompletableFuture<Integer>> mine = new ArrayList<>();
                    for (int i = 0; i < SUBMISSIONS_EACH; i++) {
                        int value = i;
                        mine.add(bulkhead.submit(() -> {
                            highWater.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.yield();
                            inside.decrementAndGet();
                            return CompletableFuture.completedFuture(value);
                        }));
                    }
                    return mine;
                }));
            }
            for (Future<List<CompletableFuture<Integer>>> batch : batches) {
                all.addAll(batch.get(1, TimeUnit.MINUTES));
            }
        } finally {
            submitters.shutdownNow();
        }

        int accepted = 0;
        int rejected = 0;
        for (CompletableFuture<Integer> future : all) {
            try {
                assertThat(future.get(1, TimeUnit.MINUTES)).isNotNull();
                accepted++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(BulkheadFullException.class);
                rejected++;
            }
        }
        assertThat(accepted + rejected).isEqualTo(SUBMITTERS * SUBMISSIONS_EACH);
        assertThat(accepted).isPositive();
        assertThat(highWater.get()).isBetween(1, MAX_CONCURRENT);
        bulkhead.shutdown();
        assertThat(bulkhead.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        assertThat(bulkhead.active()).isZero();
        assertThat(bulkhead.queued()).isZero();
    }
}
