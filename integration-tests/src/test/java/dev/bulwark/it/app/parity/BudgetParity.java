package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A retry budget holds back a retry storm, the same through a synchronous method, one returning a stage and one
 * returning a Mono (see {@link Mode}); each twin has its own budget (budget.conf: ratio 0.1, 2 retries a second
 * whatever the balance), since they would otherwise draw on the same deposits.
 */
public final class BudgetParity {
    private static final int CALLS = 1_000;
    private static final AtomicInteger BODY = new AtomicInteger();

    private BudgetParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(BudgetParity.class, args);
    }

    /** A server failing every other request. */
    private static String halfFailing() {
        if (BODY.incrementAndGet() % 2 == 1) {
            throw new IllegalStateException("503");
        }
        return "200";
    }

    @Retry(maxAttempts = 3, delay = "0ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, budget = "storm")
    static String call() {
        return halfFailing();
    }

    @Retry(maxAttempts = 3, delay = "0ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, budget = "stormAsync")
    static CompletionStage<String> callAsync() {
        return Mode.now(BudgetParity::halfFailing);
    }

    @Retry(maxAttempts = 3, delay = "0ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, budget = "stormMono")
    static Mono<String> callMono() {
        return Mode.atSubscription(BudgetParity::halfFailing);
    }

    public static void aBudgetBoundsTheRetriesOfManyCalls() {
        for (Mode mode : Mode.values()) {
            BODY.set(0);
            int failed = 0;
            long start = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                if (mode.outcome(BudgetParity::call, BudgetParity::callAsync, BudgetParity::callMono)
                        .startsWith("failed:")) {
                    failed++;
                }
            }
            mode.put("elapsedSeconds", Mode.millisSince(start) / 1_000);
            mode.put("retries", BODY.get() - CALLS);
            mode.put("failedCalls", failed);
        }
    }
}
