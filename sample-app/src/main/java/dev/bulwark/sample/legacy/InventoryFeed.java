package dev.bulwark.sample.legacy;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another client nobody may recompile, of the kind that returns its failures instead of throwing: its backend is
 * down and every poll answers status 503. The {@code instrument} entry in {@code sample-app/bulwark.conf} retries
 * it on that status ({@code retry-on-result}), under a retry budget that keeps an outage from becoming a storm.
 */
public class InventoryFeed {
    private final AtomicInteger backendCalls = new AtomicInteger();

    /** What the feed answers: an HTTP-like status and a payload. */
    public static final class Reply {
        private final int status;

        Reply(int status) {
            this.status = status;
        }

        public int getStatus() {
            return status;
        }
    }

    public Reply poll(String sku) {
        backendCalls.incrementAndGet();
        return new Reply(503);
    }

    public int backendCalls() {
        return backendCalls.get();
    }
}
