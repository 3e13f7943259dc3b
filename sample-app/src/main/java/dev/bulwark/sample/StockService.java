package dev.bulwark.sample;

import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The application code: plain methods with annotations, and no Bulwark API calls at all. */
public class StockService {
    private final Downstream inventory;
    private final Map<String, Integer> lastKnown = new ConcurrentHashMap<>();

    StockService(Downstream inventory) {
        this.inventory = inventory;
    }

    /**
     * Retries transient failures, then answers from the last known value. The timeout follows the inventory's
     * own latency once it answered 100 calls, never above 500ms.
     */
    @Retry(maxAttempts = 4, delay = "50ms", jitter = Jitter.EQUAL)
    @Timeout(value = "500ms", adaptive = true)
    @Fallback(method = "lastKnownStock")
    public String stock(String sku) {
        int level = inventory.stockLevel(sku);
        lastKnown.put(sku, level);
        return "{\"sku\":\"" + sku + "\",\"stock\":" + level + ",\"source\":\"inventory\"}";
    }

    private String lastKnownStock(String sku, Throwable failure) {
        Integer cached = lastKnown.get(sku);
        return "{\"sku\":\"" + sku + "\",\"stock\":" + (cached == null ? "null" : cached)
                + ",\"source\":\"fallback\",\"reason\":\"" + failure.getClass().getSimpleName() + "\"}";
    }
}
