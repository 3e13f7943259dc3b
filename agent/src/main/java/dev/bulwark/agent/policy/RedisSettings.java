package dev.bulwark.agent.policy;

import java.util.Objects;

/**
 * {@code bulwark.redis}: where cluster-scoped policies keep their state, and what they decide while it cannot
 * answer. Immutable; values are validated where they are read. Read by every configuration, but used only by the
 * cluster package, which is loaded only when a cluster-scoped policy exists.
 */
public final class RedisSettings {
    /** What a cluster-scoped decision becomes while Redis cannot answer within the timeout. */
    public enum OnFailure {
        /** A limiter of the same settings in this JVM decides. */
        LOCAL,
        /** Every call is permitted. */
        ALLOW,
        /** Every call is refused. */
        REJECT
    }

    /** How a cluster-scoped rate limiter spends its round trips to Redis. */
    public enum Mode {
        /** One script call per decision. */
        EXACT,
        /** Permits leased a few at a time per JVM and taken without a round trip (docs/cluster-scope.md). */
        BATCH
    }

    public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
    public static final long DEFAULT_TIMEOUT_NANOS = 50_000_000L;
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final String DEFAULT_KEY_PREFIX = "bulwark:";
    public static final RedisSettings DEFAULTS = new RedisSettings(DEFAULT_URI, DEFAULT_TIMEOUT_NANOS, DEFAULT_POOL_SIZE,
            DEFAULT_KEY_PREFIX, OnFailure.LOCAL, Mode.EXACT);

    private final String uri;
    private final long timeoutNanos;
    private final int poolSize;
    private final String keyPrefix;
    private final OnFailure onFailure;
    private final Mode mode;

    public RedisSettings(String uri, long timeoutNanos, int poolSize, String keyPrefix, OnFailure onFailure) {
        this(uri, timeoutNanos, poolSize, keyPrefix, onFailure, Mode.EXACT);
    }

    public RedisSettings(String uri, long timeoutNanos, int poolSize, String keyPrefix, OnFailure onFailure,
            Mode mode) {
        this.uri = uri;
        this.timeoutNanos = timeoutNanos;
        this.poolSize = poolSize;
        this.keyPrefix = keyPrefix;
        this.onFailure = onFailure;
        this.mode = mode;
    }

    public String uri() {
        return uri;
    }

    /** The longest a decision waits for Redis: connecting, borrowing a connection and the script call together. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Connections kept open to Redis at most. */
    public int poolSize() {
        return poolSize;
    }

    /** Put before every key Bulwark writes. */
    public String keyPrefix() {
        return keyPrefix;
    }

    public OnFailure onFailure() {
        return onFailure;
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisSettings)) {
            return false;
        }
        RedisSettings that = (RedisSettings) o;
        return uri.equals(that.uri) && timeoutNanos == that.timeoutNanos && poolSize == that.poolSize
                && keyPrefix.equals(that.keyPrefix) && onFailure == that.onFailure && mode == that.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, timeoutNanos, poolSize, keyPrefix, onFailure, mode);
    }

    /** Without the URI's password, should it carry one: this text reaches logs. */
    @Override
    public String toString() {
        return "RedisSettings{uri=" + redactedUri() + ", timeoutNanos=" + timeoutNanos + ", poolSize=" + poolSize
                + ", keyPrefix=" + keyPrefix + ", onFailure=" + onFailure + ", mode=" + mode + "}";
    }

    /** The URI with any user information replaced by {@code ***}. */
    public String redactedUri() {
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        return scheme < 0 || at < scheme ? uri : uri.substring(0, scheme + 3) + "***" + uri.substring(at);
    }
}
