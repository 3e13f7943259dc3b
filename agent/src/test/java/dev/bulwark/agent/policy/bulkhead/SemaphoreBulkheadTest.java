package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.agent.policy.Allocations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SemaphoreBulkheadTest {
    private static final long ONE_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private static SemaphoreBulkhead bulkhead(int maxConcurrent) {
        return new SemaphoreBulkhead(BulkheadSpec.builder().name("b").maxConcurrent(maxConcurrent).build());
    }

    @Test
    void grantsUpToMaxConcurrentThenRefusesUntilARelease() {
        SemaphoreBulkhead bulkhead = bulkhead(2);

        assertThat(bulkhead.tryAcquire()).isTrue();
        assertThat(bulkhead.tryAcquire()).isTrue();
        assertThat(bulkhead.tryAcquire()).isFalse();
        assertThat(bulkhead.active()).isEqualTo(2);

        bulkhead.release();
        assertThat(bulkhead.active()).isEqualTo(1);
        assertThat(bulkhead.tryAcquire()).isTrue();
        assertThat(bulkhead.maxConcurrent()).isEqualTo(2);
    }

    @Test
    void retiresOnlyWhenEmptyAndThenAdmitsNothing() {
        SemaphoreBulkhead bulkhead = bulkhead(2);
        assertThat(bulkhead.tryAcquire()).isTrue();
        assertThat(bulkhead.tryRetire()).isFalse();
        bulkhead.release();

        assertThat(bulkhead.tryRetire()).isTrue();
        assertThat(bulkhead.retired()).isTrue();
        assertThat(bulkhead.tryAcquire()).isFalse();
        assertThat(bulkhead.active()).isZero();
    }

    @Test
    void releaseWithoutAcquireFailsInsteadOfWideningTheBulkhead() {
        SemaphoreBulkhead bulkhead = bulkhead(1);

        assertThatThrownBy(bulkhead::release).isInstanceOf(IllegalStateException.class);
        assertThat(bulkhead.tryAcquire()).isTrue();
        assertThat(bulkhead.tryAcquire()).isFalse();
    }

    @Test
    void acquireGivesUpWhenNoSlotFreesInTime() throws InterruptedException {
        SemaphoreBulkhead bulkhead = bulkhead(1);
        bulkhead.tryAcquire();

        assertThat(bulkhead.acquire(TimeUnit.MILLISECONDS.toNanos(1))).isFalse();
        assertThat(bulkhead.acquire(0)).isFalse();
        assertThat(bulkhead.active()).isEqualTo(1);
    }

    @Test
    void aParkedWaiterGetsTheSlotWhenOneIsReleased() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(1);
        bulkhead.tryAcquire();
        CompletableFuture<Thread> waiterThread = new CompletableFuture<>();
        CompletableFuture<Boolean> acquired = CompletableFuture.supplyAsync(() -> {
            waiterThread.complete(Thread.currentThread());
            try {
                return bulkhead.acquire(ONE_MINUTE);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> new Thread(runnable).start());

        Thread waiter = waiterThread.get(1, TimeUnit.MINUTES);
        awaitCondition(() -> bulkhead.waiting() == 1 && waiter.getState() == Thread.State.TIMED_WAITING);
        assertThat(acquired).isNotDone();

        bulkhead.release();

        assertThat(acquired.get(1, TimeUnit.MINUTES)).isTrue();
        assertThat(bulkhead.active()).isEqualTo(1);
    }

    @Test
    void anInterruptWhileWaitingThrowsAndTakesNoSlot() throws Exception {
        SemaphoreBulkhead bulkhead = bulkhead(1);
        bulkhead.tryAcquire();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                bulkhead.acquire(ONE_MINUTE);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        waiter.start();
        awaitCondition(() -> bulkhead.waiting() == 1);

        waiter.interrupt();

        assertThat(outcome.get(1, TimeUnit.MINUTES)).isInstanceOf(InterruptedException.class);
        bulkhead.release();
        assertThat(bulkhead.active()).isZero();
    }

    @Test
    void anAlreadyInterruptedCallerIsNotLetIn() {
        SemaphoreBulkhead bulkhead = bulkhead(1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> bulkhead.acquire(ONE_MINUTE)).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(bulkhead.active()).isZero();
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> bulkhead(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'");
    }

    @Test
    void theNoWaitPathAllocatesNothing() {
        SemaphoreBulkhead bulkhead = bulkhead(4);
        Runnable hundredThousandCalls = () -> {
            for (int i = 0; i < 100_000; i++) {
                if (bulkhead.tryAcquire()) {
                    bulkhead.release();
                }
            }
        };
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            hundredThousandCalls.run();
        }

        assertThat(Allocations.bytesAllocatedBy(hundredThousandCalls)).isLessThan(100_000);
    }

    /** Polls a condition another thread will make true; the minute only bounds a broken run. */
    static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + ONE_MINUTE;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not reached within a minute");
            }
            Thread.sleep(1);
        }
    }
}
