package dev.bulwark.it.app.config.legacy;

import java.util.concurrent.atomic.AtomicInteger;

/** Always fails; the retry an {@code instrument} entry gives it shows in how often it ran. */
public class OrderClient {
    public static final AtomicInteger CALLS = new AtomicInteger();

    public String submit() {
        CALLS.incrementAndGet();
        throw new IllegalStateException("orders down");
    }

    /** Protected by a named circuit breaker, and by a retry whose settings a reload changes. */
    public String guarded() {
        CALLS.incrementAndGet();
        throw new IllegalStateException("orders down");
    }
}
