package dev.bulwark.sample;

import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Prices come from a pricing service that has outages; a breaker stops calling it while it is down. */
public class PricingService {
    private volatile boolean outage;
    private final AtomicInteger downstreamCalls = new AtomicInteger();

    void setOutage(boolean outage) {
        this.outage = outage;
    }

    int downstreamCalls() {
        return downstreamCalls.get();
    }

    @CircuitBreaker(name = "pricing", windowSize = 4, minimumCalls = 4, failureRateThreshold = 50, waitInOpen = "1s",
                    halfOpenCalls = 2)
    @Fallback(method = "listPrice")
    public String price(String sku) {
        downstreamCalls.incrementAndGet();
        if (outage) {
            throw new UncheckedIOException(new IOException("pricing service unavailable"));
        }
        return "{\"sku\":\"" + sku + "\",\"price\":3.20,\"source\":\"pricing\"}";
    }

    private String listPrice(String sku, Throwable failure) {
        return "{\"sku\":\"" + sku + "\",\"price\":3.50,\"source\":\"list price\",\"reason\":\""
                + failure.getClass().getSimpleName() + "\"}";
    }
}
