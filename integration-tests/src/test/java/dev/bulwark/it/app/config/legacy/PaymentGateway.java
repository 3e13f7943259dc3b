package dev.bulwark.it.app.config.legacy;

import java.util.concurrent.atomic.AtomicInteger;

/** Two methods that an {@code instrument} entry puts behind one named, shared circuit breaker. */
public class PaymentGateway {
    public static final AtomicInteger CALLS = new AtomicInteger();

    public String charge() {
        CALLS.incrementAndGet();
        throw new IllegalStateException("payments down");
    }

    public String refund() {
        CALLS.incrementAndGet();
        return "refunded";
    }
}
