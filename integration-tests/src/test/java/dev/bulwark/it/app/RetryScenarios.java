package dev.bulwark.it.app;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

public final class RetryScenarios {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger INNER_CALLS = new AtomicInteger();

    public static void main(String[] args) throws Throwable {
        Report.run(RetryScenarios.class, args);
    }

    @Retry(maxAttempts = 5, delay = "1ms", jitter = Jitter.NONE)
    static String succeedsOnThirdAttempt() {
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    static final CountDownLatch FIRST_ATTEMPT_FAILED = new CountDownLatch(1);

    @Retry(maxAttempts = 10, delay = "30s", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static void waitsLongBetweenAttempts() {
        CALLS.incrementAndGet();
        FIRST_ATTEMPT_FAILED.countDown();
        throw new UncheckedIOException(new IOException("down"));
    }

    @Retry
    static int cheap(int x) {
        return x + 1;
    }

    public static void retriesUntilSuccess() {
        Report.put("outcome", Report.outcome(RetryScenarios::succeedsOnThirdAttempt));
        Report.put("calls", CALLS.get());
    }

    public static void interruptEndsTheLoop() throws InterruptedException {
        String[] outcome = new String[1];
        boolean[] interruptedAfter = new boolean[1];
        Thread caller = new Thread(() -> {
            outcome[0] = Report.outcome(() -> {
                waitsLongBetweenAttempts();
                return null;
            });
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        caller.start();
        FIRST_ATTEMPT_FAILED.await();
        caller.interrupt();
        caller.join(60_000);
        Report.put("finished", !caller.isAlive());
        Report.put("outcome", outcome[0]);
        Report.put("calls", CALLS.get());
        Report.put("interruptFlagKept", interruptedAfter[0]);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    static String innerFailsOnce() {
        int call = INNER_CALLS.incrementAndGet();
        if (call == 1) {
            throw new IllegalStateException("inner attempt 1");
        }
        return "inner " + call;
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE)
    static String outerFailsTwiceAroundInner() {
        String inner = innerFailsOnce();
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("outer attempt " + call);
        }
        return inner + ", outer " + call;
    }

    /** Both sites share one invocation object until they fail; each failure must take on its own attempts. */
    public static void nestedRetriesKeepTheirOwnAttempts() {
        Report.put("outcome", Report.outcome(RetryScenarios::outerFailsTwiceAroundInner));
        Report.put("outerCalls", CALLS.get());
        Report.put("innerCalls", INNER_CALLS.get());
        Report.put("again", Report.outcome(RetryScenarios::innerFailsOnce));
    }

    public static void successAllocatesNothing() {
        Report.put("bytesPerCall", Report.bytesPerCall(RetryScenarios::cheap));
    }
}
