package dev.bulwark.it.app.config.legacy.deep.nested;

import java.util.concurrent.atomic.AtomicInteger;

/** Named like the {@code legacy.*Client} entry's classes, but two packages deeper, where {@code *} does not reach. */
public class DeepClient {
    public static final AtomicInteger CALLS = new AtomicInteger();

    public String fetchStock(String sku) {
        CALLS.incrementAndGet();
        throw new IllegalStateException("deep inventory down");
    }

    /** Matched by a {@code legacy.**} entry with a timeout: it would block for a minute. */
    public String quote() throws InterruptedException {
        Thread.sleep(60_000);
        return "too late";
    }
}
