package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.BulkheadFullException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * Runs bodies returning a {@link CompletionStage} on {@code maxConcurrent} own worker threads, behind a queue of
 * {@code queueCapacity}. A worker is busy while the body runs, not while the stage it returned is pending: the
 * bulkhead bounds threads, and a pending stage holds none of them.
 *
 * <p>Admission is one CAS on a count of accepted, unfinished bodies, bounded by {@code maxConcurrent +
 * queueCapacity}; the queue is sized above that bound, so an admitted body always fits. The count's sign bit
 * marks shutdown in the same word, so no body can be admitted after the last worker decided to stop.
 */
public final class ThreadPoolBulkhead {
    private static final int SHUT_DOWN = Integer.MIN_VALUE;

    private final String name;
    private final int maxConcurrent;
    private final int admissionLimit;
    private final MpmcAtomicArrayQueue<Task<?>> queue;
    /** One permit per queued body, plus one per worker once shut down and drained: a null poll means "stop". */
    private final Semaphore wakeUps = new Semaphore(0);
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final CountDownLatch workersStopped;

    public ThreadPoolBulkhead(BulkheadSpec spec, ThreadFactory threads) {
        if (spec.maxConcurrent() < 1 || spec.queueCapacity() < 0
                || (long) spec.maxConcurrent() + spec.queueCapacity() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("bulkhead '" + spec.name() + "': needs maxConcurrent >= 1 and"
                    + " queueCapacity >= 0, was " + spec.maxConcurrent() + " and " + spec.queueCapacity());
        }
        this.name = spec.name();
        this.maxConcurrent = spec.maxConcurrent();
        this.admissionLimit = spec.maxConcurrent() + spec.queueCapacity();
        this.queue = new MpmcAtomicArrayQueue<>(Math.max(2, admissionLimit));
        this.workersStopped = new CountDownLatch(maxConcurrent);
        for (int i = 0; i < maxConcurrent; i++) {
            threads.newThread(this::work).start();
        }
    }

    /**
     * Runs {@code body} on a worker. The future completes like the body's stage, exceptionally when the body
     * throws, and at once with {@link BulkheadFullException} when the queue is full or the bulkhead shut down.
     * A future cancelled before its body started never runs the body.
     */
    public <T> CompletableFuture<T> submit(Supplier<? extends CompletionStage<T>> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!admit()) {
            result.completeExceptionally(new BulkheadFullException(name));
            return result;
        }
        queue.offer(new Task<>(body, result));
        wakeUps.release();
        return result;
    }

    /** Bodies running on workers now. */
    public int active() {
        return running.get();
    }

    /** Bodies accepted and waiting for a worker. */
    public int queued() {
        return queue.size();
    }

    /** Accepts no more bodies; those already accepted still run, then the workers end. Does not wait. */
    public void shutdown() {
        for (;;) {
            int current = admitted.get();
            if (current < 0) {
                return;
            }
            if (admitted.compareAndSet(current, current | SHUT_DOWN)) {
                if (current == 0) {
                    stopWorkers();
                }
                return;
            }
        }
    }

    /** Waits until every worker ended after {@link #shutdown()}; true when they did within the timeout. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return workersStopped.await(timeout, unit);
    }

    private boolean admit() {
        for (;;) {
            int current = admitted.get();
            if (current < 0 || current >= admissionLimit) {
                return false;
            }
            if (admitted.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private void work() {
        try {
            for (;;) {
                wakeUps.acquireUninterruptibly();
                Task<?> task = queue.poll();
                if (task == null) {
                    return;
                }
                running.incrementAndGet();
                // an interrupt meant for the previous body (a timeout, say) must not reach this one
                Thread.interrupted();
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                    finished();
                }
            }
        } finally {
            workersStopped.countDown();
        }
    }

    private void finished() {
        if (admitted.decrementAndGet() == SHUT_DOWN) {
            stopWorkers();
        }
    }

    private void stopWorkers() {
        wakeUps.release(maxConcurrent);
    }
}
