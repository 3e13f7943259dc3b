package dev.bulwark.agent.policy;

import java.util.concurrent.atomic.LongAdder;

/**
 * The count of {@code bulwark.redis.errors}: Redis calls of cluster-scoped policies that failed or ran past the
 * timeout. Kept outside the cluster package so that telemetry can read it without loading that package; one per
 * agent, as the agent is one per JVM.
 */
public final class RedisErrors {
    private static final LongAdder COUNT = new LongAdder();
    private static volatile boolean inUse;

    private RedisErrors() {
    }

    /** A cluster-scoped policy exists: the count is reported from now on, zero included. */
    public static void markInUse() {
        inUse = true;
    }

    public static boolean inUse() {
        return inUse;
    }

    public static void increment() {
        COUNT.increment();
    }

    public static long count() {
        return COUNT.sum();
    }
}
