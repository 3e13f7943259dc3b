package dev.bulwark.it.app.config;

import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;

import java.util.concurrent.atomic.AtomicInteger;

/** An annotated method whose attributes a {@code methods} entry or a system property overrides. */
public final class Annotated {
    public static final AtomicInteger CALLS = new AtomicInteger();
    public static final AtomicInteger PLAIN_CALLS = new AtomicInteger();

    private Annotated() {
    }

    /** Fails its first four calls; the annotation alone gives up after two. */
    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE)
    public static String flaky() {
        int call = CALLS.incrementAndGet();
        if (call < 5) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    /** Not annotated: only the config can protect it. Fails its first call. */
    public static String plain() {
        int call = PLAIN_CALLS.incrementAndGet();
        if (call < 2) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }
}
