package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.annotations.BulkheadType;
import java.util.Objects;

/** Settings of one bulkhead. Immutable; values are validated where they are read (annotations or config). */
public final class BulkheadSpec {
    private final String name;
    private final int maxConcurrent;
    private final long maxWaitNanos;
    private final BulkheadType type;
    private final int queueCapacity;
    private final String key;
    private final int maxKeys;

    private BulkheadSpec(Builder b) {
        this.name = b.name;
        this.maxConcurrent = b.maxConcurrent;
        this.maxWaitNanos = b.maxWaitNanos;
        this.type = b.type;
        this.queueCapacity = b.queueCapacity;
        this.key = b.key;
        this.maxKeys = b.maxKeys;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.maxConcurrent = maxConcurrent;
        b.maxWaitNanos = maxWaitNanos;
        b.type = type;
        b.queueCapacity = queueCapacity;
        b.key = key;
        b.maxKeys = maxKeys;
        return b;
    }

    public String name() {
        return name;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    public BulkheadType type() {
        return type;
    }

    /** THREAD_POOL only. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** {@code ""} for one policy; {@code "#N"} or {@code "#N.getter"} for one per value of that argument. */
    public String key() {
        return key;
    }

    /** Keyed policies retained at most. */
    public int maxKeys() {
        return maxKeys;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BulkheadSpec)) {
            return false;
        }
        BulkheadSpec that = (BulkheadSpec) o;
        return Objects.equals(name, that.name)
                && maxConcurrent == that.maxConcurrent
                && maxWaitNanos == that.maxWaitNanos
                && Objects.equals(type, that.type)
                && queueCapacity == that.queueCapacity
                && Objects.equals(key, that.key)
                && maxKeys == that.maxKeys;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, maxConcurrent, maxWaitNanos, type, queueCapacity, key, maxKeys);
    }

    @Override
    public String toString() {
        return "BulkheadSpec{"
                + "name=" + name
                + ", maxConcurrent=" + maxConcurrent
                + ", maxWaitNanos=" + maxWaitNanos
                + ", type=" + type
                + ", queueCapacity=" + queueCapacity
                + (key.isEmpty() ? "" : ", key=" + key + ", maxKeys=" + maxKeys)
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private String name = "";
        private int maxConcurrent = 25;
        private long maxWaitNanos = 0L;
        private BulkheadType type = BulkheadType.SEMAPHORE;
        private int queueCapacity = 100;

        private String key = "";
        private int maxKeys = 10_000;

        private Builder() {
        }

        public Builder key(String key) {
            this.key = key;
            return this;
        }

        public Builder maxKeys(int maxKeys) {
            this.maxKeys = maxKeys;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder maxConcurrent(int maxConcurrent) {
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        public Builder maxWaitNanos(long maxWaitNanos) {
            this.maxWaitNanos = maxWaitNanos;
            return this;
        }

        public Builder type(BulkheadType type) {
            this.type = type;
            return this;
        }

        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public BulkheadSpec build() {
            return new BulkheadSpec(this);
        }
    }
}
