package dev.bulwark.it.app.appserver.webapp;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;

import java.util.concurrent.atomic.AtomicInteger;

/** One deployment's protected methods: every policy, with its own state but for the named breaker. */
public class Guarded {
    private final AtomicInteger attempts = new AtomicInteger();

    @CircuitBreaker(minimumCalls = 2, windowSize = 2, waitInOpen = "1h")
    public String breaker(boolean fail) {
        if (fail) {
            throw new IllegalStateException("down");
        }
        return "closed";
    }

    @CircuitBreaker(name = "appserver-shared", minimumCalls = 2, windowSize = 2, waitInOpen = "1h")
    public String namedBreaker(boolean fail) {
        if (fail) {
            throw new IllegalStateException("down");
        }
        return "closed";
    }

    @RateLimited(permits = 2, period = "1h")
    public String limited() {
        return "ok";
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = dev.bulwark.annotations.Jitter.NONE)
    public String retried() {
        if (attempts.incrementAndGet() < 3) {
            throw new IllegalStateException("attempt " + attempts.get());
        }
        return "attempts=" + attempts.getAndSet(0);
    }

    @Bulkhead(maxConcurrent = 1)
    public String bulkhead() {
        return "ok";
    }

    @Timeout("100ms")
    public String slow() throws InterruptedException {
        Thread.sleep(2_000);
        return "slept";
    }

    @Fallback(method = "cached")
    public String failing() {
        throw new IllegalStateException("down");
    }

    String cached() {
        return "fallback";
    }
}
