package dev.bulwark.agent.cluster;

import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.budget.SharedBudget;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A retry budget kept in Redis and shared by every JVM that uses its name. A retry is decided by one script call,
 * atomic in Redis and timed by its clock. First attempts are counted here and handed over with the next decision
 * or by {@link RedisStore}'s flush every {@link RedisStore#FLUSH_INTERVAL_MILLIS}, so that a call that needs no
 * retry never waits for Redis: a deposit may thus count a fraction of a second late.
 */
final class RedisRetryBudget implements SharedBudget {
    private static final byte[] DECIDE = {'1'};
    private static final byte[] DEPOSIT_ONLY = {'0'};

    private final RedisStore store;
    private final RedisScript script;
    private final byte[] key;
    private final byte[] ratio;
    private final byte[] minPerSecond;
    private final byte[] windowSeconds;
    private final AtomicLong pending = new AtomicLong();

    RedisRetryBudget(RetryBudgetSpec spec, RedisStore store, Scripts scripts) {
        this.store = store;
        this.script = scripts.retryBudget;
        this.key = (store.settings().keyPrefix() + "rb:" + spec.name()).getBytes(StandardCharsets.UTF_8);
        this.ratio = ascii(Double.toString(spec.ratio()));
        this.minPerSecond = ascii(Integer.toString(spec.minPerSecond()));
        long seconds = Math.max(1, (spec.windowNanos() + 999_999_999L) / 1_000_000_000L);
        this.windowSeconds = ascii(Long.toString(seconds));
        store.flushEvery(this::flush);
    }

    @Override
    public void deposit() {
        pending.incrementAndGet();
    }

    @Override
    public int tryWithdraw() {
        long deposits = pending.getAndSet(0);
        long answer = store.eval(script, key, ascii(Long.toString(deposits)), ratio, minPerSecond, windowSeconds, DECIDE);
        if (answer == RedisStore.FAILED) {
            pending.addAndGet(deposits);
            switch (store.settings().onFailure()) {
                case ALLOW:
                    return UNKNOWN_ALLOW;
                case REJECT:
                    return UNKNOWN_REJECT;
                default:
                    return UNKNOWN_LOCAL;
            }
        }
        return answer == 1 ? ALLOWED : REFUSED;
    }

    /** Hands the first attempts counted since the last call to Redis; kept for later when it cannot answer. */
    private void flush() {
        long deposits = pending.getAndSet(0);
        if (deposits > 0 && store.eval(script, key, ascii(Long.toString(deposits)), ratio, minPerSecond, windowSeconds,
                DEPOSIT_ONLY) == RedisStore.FAILED) {
            pending.addAndGet(deposits);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
