package dev.bulwark.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated remote inventory service with a bad day: each SKU is healthy, flaky (its first calls fail)
 * , down, or slow. Deterministic, so the demo tells the same story every time.
 */
final class Downstream {
    enum Mood { HEALTHY, FLAKY, DOWN, SLOW }

    private final Map<String, Mood> moods;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    Downstream(Map<String, Mood> moods) {
        this.moods = moods;
    }

    int stockLevel(String sku) {
        int call = calls.computeIfAbsent(sku, s -> new AtomicInteger()).incrementAndGet();
        switch (moods.getOrDefault(sku, Mood.HEALTHY)) {
            case FLAKY:
                if (call % 3 != 0) {
                    throw new UncheckedIOException(new IOException("connection reset by inventory (call " + call + ")"));
                }
                return 7;
            case DOWN:
                throw new UncheckedIOException(new IOException("inventory unreachable (call " + call + ")"));
            case SLOW:
                sleep(5_000);
                return 3;
            default:
                return 42;
        }
    }

    int callsFor(String sku) {
        AtomicInteger n = calls.get(sku);
        return n == null ? 0 : n.get();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("inventory call interrupted", e);
        }
    }
}
