package dev.bulwark.benchmarks.overload;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcomes of one measurement: successful latencies, and counts by outcome and priority. Goodput counts only
 * the successes answered while the load ran: the calls a limiter still holds when the load stops are answered
 * afterwards, and counting them would credit a limiter that keeps a deeper queue with that queue's drain.
 */
final class Recorder {
    private final long[] latencies;
    private final long loadEndNanos;
    private final AtomicInteger successes = new AtomicInteger();
    private final AtomicInteger successesDuringLoad = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger late = new AtomicInteger();
    private final AtomicInteger criticalCalls = new AtomicInteger();
    private final AtomicInteger criticalServed = new AtomicInteger();

    /** @param loadEndNanos when the load stops firing calls, on {@link System#nanoTime()} */
    Recorder(int maxCalls, long loadEndNanos) {
        this.latencies = new long[maxCalls];
        this.loadEndNanos = loadEndNanos;
    }

    void fired(boolean critical) {
        if (critical) {
            criticalCalls.incrementAndGet();
        }
    }

    void succeeded(boolean critical, long latencyNanos, long answeredNanos) {
        if (answeredNanos - loadEndNanos <= 0) {
            successesDuringLoad.incrementAndGet();
        }
        int slot = successes.getAndIncrement();
        if (slot < latencies.length) {
            latencies[slot] = latencyNanos;
        }
        if (critical) {
            criticalServed.incrementAndGet();
        }
        answered.incrementAndGet();
    }

    void rejected() {
        rejected.incrementAndGet();
        answered.incrementAndGet();
    }

    /** Answered after the caller gave up, or failed by the downstream being reset. */
    void late() {
        late.incrementAndGet();
        answered.incrementAndGet();
    }

    int answered() {
        return answered.get();
    }

    Summary summary(double seconds) {
        int count = Math.min(successes.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new Summary(successesDuringLoad.get() / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99),
                criticalCalls.get() == 0 ? Double.NaN : 100.0 * criticalServed.get() / criticalCalls.get(),
                rejected.get(), late.get(), successes.get() - successesDuringLoad.get());
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /**
     * Goodput in successful calls answered during the load per second; latencies of all successful calls in ms;
     * critical calls served in percent; {@code drained}: successes answered after the load stopped.
     */
    record Summary(double goodput, double p50Millis, double p99Millis, double criticalServedPercent, int rejected,
                   int late, int drained) {
    }
}
