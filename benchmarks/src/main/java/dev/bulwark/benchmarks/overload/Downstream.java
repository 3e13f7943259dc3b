package dev.bulwark.benchmarks.overload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A dependency whose latency grows with its concurrency: a queue served by {@code workers} threads, each request
 * taking {@code serviceNanos} of a worker. Past {@code workers} requests in flight, each further one waits in the
 * queue, so latency rises linearly with what the callers let through.
 */
final class Downstream {
    private final long serviceNanos;
    private final ThreadPoolExecutor workers;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();

    Downstream(int workers, long serviceNanos) {
        this.serviceNanos = serviceNanos;
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "downstream");
            thread.setDaemon(true);
            return thread;
        });
        this.workers.prestartAllCoreThreads();
    }

    /** A request, answered on a worker thread once one is free and has served it. */
    CompletableFuture<Long> call() {
        Request request = new Request();
        workers.execute(request);
        return request.answer;
    }

    /** Requests served per second at most, from the workers' measured service time. */
    double capacityPerSecond() {
        long count = served.get();
        double meanNanos = count == 0 ? serviceNanos : (double) busyNanos.get() / count;
        return workers.getCorePoolSize() * TimeUnit.SECONDS.toNanos(1) / meanNanos;
    }

    /** Fails every request still queued, so that the next measurement starts with an empty queue. */
    void dropQueued() {
        List<Runnable> queued = new ArrayList<>();
        workers.getQueue().drainTo(queued);
        for (Runnable request : queued) {
            ((Request) request).answer.completeExceptionally(new CancellationException("dropped between runs"));
        }
    }

    void shutdown() {
        workers.shutdownNow();
    }

    private final class Request implements Runnable {
        final CompletableFuture<Long> answer = new CompletableFuture<>();

        @Override
        public void run() {
            long start = System.nanoTime();
            LockSupport.parkNanos(serviceNanos);
            long end = System.nanoTime();
            busyNanos.addAndGet(end - start);
            served.incrementAndGet();
            answer.complete(end);
        }
    }
}
