package dev.bulwark.it.app.telemetry;

import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An adaptive timeout and a keyed breaker, for their telemetry; the test sets the timeout's min-calls. */
public final class AdaptiveWorkload {
    public static final String SITE = "dev.bulwark.it.app.telemetry.AdaptiveWorkload#quickOrStuck";

    private AdaptiveWorkload() {
    }

    /** Completes at once, or never: only the timeout ends a stuck call. */
    @Timeout(value = "200ms", adaptive = true)
    public static CompletionStage<String> quickOrStuck(boolean stuck) {
        return stuck ? new CompletableFuture<>() : CompletableFuture.completedFuture("quick");
    }

    @CircuitBreaker(name = "telemetry-keyed", key = "#0", windowSize = 1, minimumCalls = 1, waitInOpen = "1m")
    public static String perHost(String host) {
        if (host.equals("down")) {
            throw new IllegalStateException(host + " is down");
        }
        return "served by " + host;
    }
}
