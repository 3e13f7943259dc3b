package dev.bulwark.it.app.telemetry;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;

/** A retry whose budget (set by the test's system properties) refuses its first retry. */
public final class BudgetWorkload {
    private BudgetWorkload() {
    }

    @Retry(maxAttempts = 3, delay = "0ms", backoff = Backoff.FIXED, jitter = Jitter.NONE, budget = "telemetry-budget")
    public static String refused() {
        throw new IllegalStateException("always fails");
    }
}
