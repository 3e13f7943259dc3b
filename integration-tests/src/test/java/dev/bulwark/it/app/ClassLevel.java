package dev.bulwark.it.app;

import dev.bulwark.annotations.Retry;

import java.util.concurrent.atomic.AtomicInteger;

/** A class-level annotation protects each public method; a method's own annotation wins. */
@Retry(maxAttempts = 3, delay = "1ms")
public class ClassLevel {
    public final AtomicInteger calls = new AtomicInteger();

    public void publicInherits() {
        calls.incrementAndGet();
        throw new IllegalStateException("public");
    }

    @Retry(maxAttempts = 5, delay = "1ms")
    public void ownAnnotationWins() {
        calls.incrementAndGet();
        throw new IllegalStateException("own");
    }

    void packagePrivateIsNotCovered() {
        calls.incrementAndGet();
        throw new IllegalStateException("package-private");
    }
}
