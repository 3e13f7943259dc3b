package dev.bulwark.it.app.config.legacy;

import dev.bulwark.it.app.config.Reservation;

import java.util.concurrent.atomic.AtomicInteger;

/** Legacy code with no Bulwark annotations: only {@code instrument} entries in the config protect it. */
public class InventoryClient {
    public static final AtomicInteger CALLS = new AtomicInteger();

    /** Fails its first three calls. */
    public String fetchStock(String sku) {
        int call = CALLS.incrementAndGet();
        if (call < 4) {
            throw new IllegalStateException("inventory down (call " + call + ")");
        }
        return sku + " in stock after " + call + " calls";
    }

    public String fetchPrice(String sku) {
        CALLS.incrementAndGet();
        throw new IllegalStateException("price service down");
    }

    /** Not matched by the method pattern {@code fetch*}. */
    public String store(String sku) {
        CALLS.incrementAndGet();
        throw new IllegalStateException("store failed");
    }

    /** Not matched either; its parameter's class is first loaded after the reload that weaves this one again. */
    public String reserve(Reservation reservation) {
        return reservation.confirm();
    }

    private String cached(String sku, Throwable failure) {
        return "cached " + sku + " (" + failure.getMessage() + ")";
    }
}
