package dev.bulwark.sample;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.RateLimited;

import java.util.concurrent.atomic.AtomicInteger;

/** Orders: each user may place a few per minute, and the slow fulfilment system takes two at a time. */
public class OrderService {
    private final AtomicInteger orders = new AtomicInteger();

    @RateLimited(permits = 2, period = "1m", key = "#0")
    public String place(String user) {
        return "{\"order\":" + orders.incrementAndGet() + ",\"user\":\"" + user + "\"}";
    }

    @Bulkhead(name = "fulfilment", maxConcurrent = 2)
    public String fulfil(String order) throws InterruptedException {
        Thread.sleep(400);
        return "{\"order\":\"" + order + "\",\"status\":\"shipped\"}";
    }
}
