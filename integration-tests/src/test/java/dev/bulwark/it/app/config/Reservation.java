package dev.bulwark.it.app.config;

import dev.bulwark.annotations.Retry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Protected by its class's annotation, and named by a parameter of a legacy class a reload weaves again: it must
 * not load while that class is woven again, where it would be left unwoven.
 */
@Retry(maxAttempts = 3, delay = "1ms")
public class Reservation {
    public static final AtomicInteger CALLS = new AtomicInteger();

    /** Fails its first two calls. */
    public String confirm() {
        int call = CALLS.incrementAndGet();
        if (call < 3) {
            throw new IllegalStateException("not confirmed (call " + call + ")");
        }
        return "confirmed after " + call + " calls";
    }
}
