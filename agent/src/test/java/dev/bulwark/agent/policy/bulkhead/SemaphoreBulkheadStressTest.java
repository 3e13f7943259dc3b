package dev.bulwark.agent.policy.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SemaphoreBulkheadStressTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 2_000;
    private static final int MAX_CONCURRENT = 3;

    @Test
    void neverRunsMoreThanMaxConcurrentBodiesAtOnce() throws Exception {
        SemaphoreBulkhead bulkhead =
                new SemaphoreBulkhead(BulkheadSpec.builder().name("stress").maxConcurrent(MAX_CONCURRENT).build());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean waits = t % 2 == 0;
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        boolean admitted = waits ? bulkhead.acquire(TimeUnit.SECONDS.toNanos(30)) : bulkhead.tryAcquire();
                        if (!admitted) {
                            continue;
                        }
                        try {
                            entered.incrementAndGet();
                            highWater.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            Thread.yield();
                            inside.decrementAndGet();
                        } finally {
                            bulkhead.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(highWater.get()).isBetween(1, MAX_CONCURRENT);
        assertThat(entered.get()).isGreaterThanOrEqualTo(THREADS / 2 * CALLS_PER_THREAD);
        assertThat(bulkhead.active()).isZero();
    }
}
