package dev.bulwark.sample;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.BulkheadType;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Payments through a card processor with {@link #WORKERS} workers: past that many calls at once each further one
 * queues, so the processor's latency grows with the calls let through. The bulkhead's limit follows that latency,
 * and its partitions (shares in bulwark.conf) keep slots for checkout while batch settlements flood it.
 */
public class PaymentService {
    static final int WORKERS = 4;
    private static final long SERVICE_MILLIS = 10;

    private final Semaphore workers = new Semaphore(WORKERS, true);
    private final AtomicInteger atProcessor = new AtomicInteger();
    private final AtomicInteger highWater = new AtomicInteger();

    /**
     * A checkout call finds a slot kept for it; a batch call past batch's share is shed at once.
     *
     * @param priority {@code checkout} or {@code batch}: the partition whose share of the slots the call takes
     */
    @Bulkhead(name = "payments", type = BulkheadType.ADAPTIVE, partitionBy = "#0")
    public String charge(String priority) throws InterruptedException {
        highWater.accumulateAndGet(atProcessor.incrementAndGet(), Math::max);
        try {
            workers.acquire();
            try {
                Thread.sleep(SERVICE_MILLIS);
            } finally {
                workers.release();
            }
            return "charged (" + priority + ")";
        } finally {
            atProcessor.decrementAndGet();
        }
    }

    /** The most calls at the processor at once, queued or served, since the previous call of this method. */
    int takeHighWater() {
        return highWater.getAndSet(atProcessor.get());
    }
}
