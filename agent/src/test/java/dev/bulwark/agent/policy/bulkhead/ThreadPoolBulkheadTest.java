package dev.bulwark.agent.policy.bulkhead;

import static dev.bulwark.agent.policy.bulkhead.SemaphoreBulkheadTest.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.annotations.BulkheadType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadPoolBulkheadTest {
    private final List<ThreadPoolBulkhead> created = new ArrayList<>();

    private ThreadPoolBulkhead bulkhead(int maxConcurrent, int queueCapacity) {
        BulkheadSpec spec = BulkheadSpec.builder().name("pool").type(BulkheadType.THREAD_POOL)
                .maxConcurrent(maxConcurrent).queueCapacity(queueCapacity).build();
        ThreadPoolBulkhead bulkhead = new ThreadPoolBulkhead(spec, namedDaemons());
        created.add(bulkhead);
        return bulkhead;
    }

    static ThreadFactory namedDaemons() {
        AtomicInteger number = new AtomicInteger();
        return body -> {
            Thread thread = new Thread(body, "bulkhead-worker-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @AfterEach
    void shutDown() {
        for (ThreadPoolBulkhead bulkhead : created) {
            bulkhead.shutdown();
        }
    }

    @Test
    void runsTheBodyOnAWorkerAndCompletesWithItsValue() throws Exception {
        CompletableFuture<String> result =
                bulkhead(2, 0).submit(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()));

        assertThat(result.get(1, TimeUnit.MINUTES)).startsWith("bulkhead-worker-");
    }

    @Test
    void completesWhenTheBodysStageCompletesAndFreesTheWorkerBefore() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead(1, 0);
        CompletableFuture<String> pending = new CompletableFuture<>();

        CompletableFuture<String> result = bulkhead.submit(() -> pending);
        AtomicReference<CompletableFuture<String>> second = new AtomicReference<>();
        awaitCondition(() -> {
            second.set(bulkhead.submit(() -> CompletableFuture.completedFuture("second")));
            return !second.get().isCompletedExceptionally();
        });

        assertThat(second.get().get(1, TimeUnit.MINUTES)).isEqualTo("second");
        assertThat(result).isNotDone();

        pending.complete("late");
        assertThat(result.get(1, TimeUnit.MINUTES)).isEqualTo("late");
    }

    @Test
    void aThrowingBodyCompletesTheFutureExceptionally() {
        IllegalStateException failure = new IllegalStateException("boom");

        CompletableFuture<Object> result = bulkhead(1, 1).submit(() -> {
            throw failure;
        });

        assertThatThrownBy(() -> result.get(1, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class)
                .hasCause(failure);
    }

    @Test
    void aFailedStageCompletesTheFutureExceptionally() {
        IllegalStateException failure = new IllegalStateException("boom");

        CompletableFuture<Object> result = bulkhead(1, 1).submit(() -> CompletableFuture.failedFuture(failure));

        assertThatThrownBy(() -> result.get(1, TimeUnit.MINUTES)).hasCause(failure);
    }

    @Test
    void aBodyReturningNoStageFailsTheFuture() {
        CompletableFuture<Object> result = bulkhead(1, 1).submit(() -> null);

        assertThatThrownBy(() -> result.get(1, TimeUnit.MINUTES)).hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void aFullQueueRejectsAtOnceAndAcceptedWorkStillCompletes() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead(2, 3);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch proceed = new CountDownLatch(1);
        List<CompletableFuture<Integer>> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int value = i;
            accepted.add(bulkhead.submit(() -> {
                running.countDown();
                await(proceed);
                return CompletableFuture.completedFuture(value);
            }));
            if (i == 1) {
                assertThat(running.await(1, TimeUnit.MINUTES)).isTrue();
            }
        }
        assertThat(bulkhead.active()).isEqualTo(2);
        assertThat(bulkhead.queued()).isEqualTo(3);

        CompletableFuture<Integer> rejected = bulkhead.submit(() -> CompletableFuture.completedFuture(-1));

        assertThat(rejected).isCompletedExceptionally();
        assertThatThrownBy(rejected::join).hasCauseInstanceOf(BulkheadFullException.class)
                .extracting(e -> ((BulkheadFullException) e.getCause()).policyName()).isEqualTo("pool");
        proceed.countDown();
        for (int i = 0; i < 5; i++) {
            assertThat(accepted.get(i).get(1, TimeUnit.MINUTES)).isEqualTo(i);
        }
    }

    @Test
    void aFutureCancelledBeforeItsBodyStartedNeverRunsTheBody() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead(1, 2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        bulkhead.submit(() -> {
            running.countDown();
            await(proceed);
            return CompletableFuture.completedFuture(0);
        });
        assertThat(running.await(1, TimeUnit.MINUTES)).isTrue();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Integer> cancelled = bulkhead.submit(() -> {
            ran.set(true);
            return CompletableFuture.completedFuture(1);
        });
        CompletableFuture<Integer> after = bulkhead.submit(() -> CompletableFuture.completedFuture(2));

        cancelled.cancel(false);
        proceed.countDown();

        assertThat(after.get(1, TimeUnit.MINUTES)).isEqualTo(2);
        assertThat(ran).isFalse();
    }

    @Test
    void aBodyLeavingItsWorkerInterruptedDoesNotInterruptTheNext() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead(1, 1);
        bulkhead.submit(() -> {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(0);
        }).get(1, TimeUnit.MINUTES);

        CompletableFuture<Boolean> nextSawInterrupt =
                bulkhead.submit(() -> CompletableFuture.completedFuture(Thread.currentThread().isInterrupted()));

        assertThat(nextSawInterrupt.get(1, TimeUnit.MINUTES)).isFalse();
    }

    @Test
    void shutdownRunsAcceptedWorkThenStopsWorkersAndRejectsNewWork() throws Exception {
        ThreadPoolBulkhead bulkhead = bulkhead(1, 2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CompletableFuture<Integer> first = bulkhead.submit(() -> {
            running.countDown();
            await(proceed);
            return CompletableFuture.completedFuture(1);
        });
        assertThat(running.await(1, TimeUnit.MINUTES)).isTrue();
        CompletableFuture<Integer> queued = bulkhead.submit(() -> CompletableFuture.completedFuture(2));

        bulkhead.shutdown();
        CompletableFuture<Integer> late = bulkhead.submit(() -> CompletableFuture.completedFuture(3));

        assertThat(late).isCompletedExceptionally();
        assertThatThrownBy(late::join).hasCauseInstanceOf(BulkheadFullException.class);
        assertThat(bulkhead.awaitTermination(0, TimeUnit.SECONDS)).isFalse();
        proceed.countDown();
        assertThat(first.get(1, TimeUnit.MINUTES)).isEqualTo(1);
        assertThat(queued.get(1, TimeUnit.MINUTES)).isEqualTo(2);
        assertThat(bulkhead.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void anIdleBulkheadStopsItsWorkersOnShutdown() throws InterruptedException {
        ThreadPoolBulkhead bulkhead = bulkhead(3, 1);

        bulkhead.shutdown();

        assertThat(bulkhead.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThatThrownBy(() -> bulkhead(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bulkhead(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("latch not released within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
