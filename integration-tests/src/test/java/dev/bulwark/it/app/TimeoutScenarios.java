package dev.bulwark.it.app;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public final class TimeoutScenarios {
    private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();
    private static volatile boolean bodySawInterrupt;

    public static void main(String[] args) throws Throwable {
        Report.run(TimeoutScenarios.class, args);
    }

    @Timeout("100ms")
    static String blocksForAMinute() {
        try {
            Thread.sleep(60_000);
            return "slept";
        } catch (InterruptedException e) {
            bodySawInterrupt = true;
            return "interrupted";
        }
    }

    @Timeout(value = "100ms", interrupt = false)
    static String ignoresTheDeadline() {
        LockSupport.parkNanos(400_000_000L);
        return "late";
    }

    @Timeout("1s")
    static String blocksPastALongTimeout() throws InterruptedException {
        Thread.sleep(60_000);
        return "slept";
    }

    @Timeout(value = "1s", interrupt = false)
    static String overrunsALongTimeout() {
        // park may return at once: the interrupt of an earlier call leaves its thread a permit
        long end = System.nanoTime() + 1_500_000_000L;
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return "late";
    }

    @Timeout("1s")
    static String returnsWellInsideALongTimeout() {
        LockSupport.parkNanos(100_000_000L);
        return "in time";
    }

    @Timeout("5s")
    static String seesCallerState() {
        return Thread.currentThread().getName() + "/" + REQUEST.get();
    }

    @Timeout("200ms")
    static String outer() {
        return inner();
    }

    @Timeout("30s")
    static String inner() {
        long start = System.nanoTime();
        try {
            Thread.sleep(30_000);
            return "inner slept";
        } catch (InterruptedException e) {
            return "inner interrupted after " + (System.nanoTime() - start) / 1_000_000 + "ms";
        }
    }

    private static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @Retry(maxAttempts = 3, delay = "1ms")
    @Timeout("100ms")
    static String eachAttemptGetsAFreshTimeout() throws InterruptedException {
        if (ATTEMPTS.incrementAndGet() < 3) {
            Thread.sleep(60_000);
        }
        return "attempt " + ATTEMPTS.get();
    }

    @Timeout("1ms")
    static int finishesAroundTheDeadline(long spinNanos) {
        long end = System.nanoTime() + spinNanos;
        int spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return spins;
    }

    @Timeout("10s")
    static int cheap(int x) {
        return x + 1;
    }

    public static void interruptsTheCallerAtTheDeadline() {
        long start = System.nanoTime();
        Report.put("outcome", Report.outcome(TimeoutScenarios::blocksForAMinute));
        Report.put("elapsedMillis", (System.nanoTime() - start) / 1_000_000);
        Report.put("bodySawInterrupt", bodySawInterrupt);
        Report.put("interruptedAfter", Thread.currentThread().isInterrupted());
    }

    /** Timeouts of a second or more count from the millisecond clock: on time, and never early. */
    public static void longTimeouts() {
        long start = System.nanoTime();
        Report.put("interrupted", Report.outcome(TimeoutScenarios::blocksPastALongTimeout));
        Report.put("interruptedAfterMillis", (System.nanoTime() - start) / 1_000_000);
        Report.put("late", Report.outcome(TimeoutScenarios::overrunsALongTimeout));
        Report.put("inTime", Report.outcome(TimeoutScenarios::returnsWellInsideALongTimeout));
        Report.put("interruptedAfter", Thread.currentThread().isInterrupted());
    }

    /** The same deadline interrupt for a caller on its own (possibly virtual) thread. */
    public static void interruptsACallerThread() throws InterruptedException {
        String[] outcome = new String[1];
        boolean[] virtual = new boolean[1];
        boolean[] interruptedAfter = new boolean[1];
        Thread caller = Report.startThread(() -> {
            virtual[0] = Report.isVirtual(Thread.currentThread());
            outcome[0] = Report.outcome(TimeoutScenarios::blocksForAMinute);
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        caller.join();
        Report.put("outcome", outcome[0]);
        Report.put("virtual", virtual[0]);
        Report.put("bodySawInterrupt", bodySawInterrupt);
        Report.put("interruptedAfter", interruptedAfter[0]);
    }

    public static void aLateReturnStillTimesOut() {
        Report.put("outcome", Report.outcome(TimeoutScenarios::ignoresTheDeadline));
        Report.put("interruptedAfter", Thread.currentThread().isInterrupted());
    }

    public static void runsOnTheCallersThread() {
        Thread.currentThread().setName("caller-thread");
        REQUEST.set("request-42");
        Report.put("outcome", Report.outcome(TimeoutScenarios::seesCallerState));
    }

    public static void nestedDeadlinesTakeTheSmaller() {
        long start = System.nanoTime();
        try {
            outer();
            Report.put("outcome", "returned");
        } catch (TimeoutExceededException e) {
            Report.put("outcome", "timeout of " + e.policyName());
        }
        Report.put("elapsedMillis", (System.nanoTime() - start) / 1_000_000);
        Report.put("interruptedAfter", Thread.currentThread().isInterrupted());
    }

    public static void retriesGetAFreshTimeoutPerAttempt() {
        Report.put("outcome", Report.outcome(TimeoutScenarios::eachAttemptGetsAFreshTimeout));
        Report.put("attempts", ATTEMPTS.get());
        Report.put("interruptedAfter", Thread.currentThread().isInterrupted());
    }

    /** Many threads, many calls ending right at their 1ms deadline: no interrupt may outlive its call. */
    public static void noLateInterrupt() throws InterruptedException {
        int threads = 8;
        int callsPerThread = 1500;
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger strayInterrupts = new AtomicInteger();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long seed = t;
            workers[t] = new Thread(() -> {
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < callsPerThread; i++) {
                    long spin = 900_000L + random.nextInt(200_000);
                    try {
                        finishesAroundTheDeadline(spin);
                        completed.incrementAndGet();
                    } catch (TimeoutExceededException e) {
                        timedOut.incrementAndGet();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        strayInterrupts.incrementAndGet();
                        Thread.interrupted();
                    }
                }
                LockSupport.parkNanos(20_000_000L);
                if (Thread.interrupted()) {
                    strayInterrupts.incrementAndGet();
                }
            });
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Report.put("calls", threads * callsPerThread);
        Report.put("timedOut", timedOut.get());
        Report.put("completed", completed.get());
        Report.put("strayInterrupts", strayInterrupts.get());
    }

    public static void timeoutAllocatesNothing() {
        Report.put("bytesPerCall", Report.bytesPerCall(TimeoutScenarios::cheap));
    }
}
