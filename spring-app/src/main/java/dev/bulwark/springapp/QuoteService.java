package dev.bulwark.springapp;

import dev.bulwark.annotations.Retry;
import org.springframework.stereotype.Service;

import java.util.concurrent.atomic.AtomicInteger;

/** A downstream that fails twice before each answer: only a woven retry answers on the first request. */
@Service
public class QuoteService {
    private final AtomicInteger attempts = new AtomicInteger();

    @Retry(maxAttempts = 3, delay = "5ms")
    public String quote(String sku) {
        int attempt = attempts.incrementAndGet();
        if (attempt % 3 != 0) {
            throw new IllegalStateException("downstream busy (attempt " + attempt + ")");
        }
        return "quote for " + sku + " after " + attempt + " attempts";
    }
}
