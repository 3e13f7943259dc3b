package dev.bulwark.sample.legacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client nobody may recompile: no annotations, no Bulwark API. It is protected by the {@code instrument}
 * entry in {@code sample-app/bulwark.conf} alone: its price backend drops the first two calls of each SKU,
 * and a retry from the config rides over that; when the backend stays down, the cached price answers.
 */
public class LegacyPriceClient {
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Integer> cachedCents = new ConcurrentHashMap<>();

    public String fetchPrice(String sku) {
        int call = calls.computeIfAbsent(sku, s -> new AtomicInteger()).incrementAndGet();
        if (call <= 2 || sku.equals("fig")) {
            throw new UncheckedIOException(new IOException("price backend reset the connection (call " + call + ")"));
        }
        int cents = 100 + sku.length() * 37;
        cachedCents.put(sku, cents);
        return sku + " costs " + cents + " cents (backend, call " + call + ")";
    }

    public int backendCalls(String sku) {
        AtomicInteger n = calls.get(sku);
        return n == null ? 0 : n.get();
    }

    private String cachedPrice(String sku, Throwable failure) {
        Integer cents = cachedCents.get(sku);
        return sku + " costs " + (cents == null ? "unknown" : cents + " cents") + " (cached: " + failure.getMessage() + ")";
    }
}
