package dev.bulwark.it.app;

import dev.bulwark.annotations.Retry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Protected classes loaded by name only, each from its own thread at once, so that they race to be the first
 * class that needs weaving. This outer class names no annotation itself.
 */
public final class FirstProtectedClasses {
    private FirstProtectedClasses() {
    }

    /** Fails twice per call, then succeeds: only a woven retry returns. */
    static String flaky(AtomicInteger calls) {
        int call = calls.incrementAndGet();
        if (call % 3 != 0) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    public static final class First {
        private static final AtomicInteger CALLS = new AtomicInteger();

        @Retry(maxAttempts = 3, delay = "1ms")
        public static String call() {
            return flaky(CALLS);
        }
    }

    public static final class Second {
        private static final AtomicInteger CALLS = new AtomicInteger();

        @Retry(maxAttempts = 3, delay = "1ms")
        public static String call() {
            return flaky(CALLS);
        }
    }

    public static final class Third {
        private static final AtomicInteger CALLS = new AtomicInteger();

        @Retry(maxAttempts = 3, delay = "1ms")
        public static String call() {
            return flaky(CALLS);
        }
    }

    public static final class Fourth {
        private static final AtomicInteger CALLS = new AtomicInteger();

        @Retry(maxAttempts = 3, delay = "1ms")
        public static String call() {
            return flaky(CALLS);
        }
    }
}
