package dev.bulwark.it.app;

import dev.bulwark.annotations.Retry;

/** Loaded by name only, so that nothing protected loads before the scenario says so. */
public final class LazilyWoven {
    private static int calls;

    private LazilyWoven() {
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    public static String flaky() {
        calls++;
        if (calls < 3) {
            throw new IllegalStateException("attempt " + calls);
        }
        return "ok after " + calls;
    }
}
