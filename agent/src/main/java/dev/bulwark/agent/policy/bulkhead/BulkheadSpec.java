package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.agent.policy.adaptive.LimitAlgorithmName;
import dev.bulwark.annotations.BulkheadType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final LimitAlgorithmName limitAlgorithm;
    private final int initialLimit;
    private final int minLimit;
    private final int maxLimit;
    private final String partitionBy;
    private final Map<String, Double> partitions;

    private BulkheadSpec(Builder b) {
        this.name = b.name;
        this.maxConcurrent = b.maxConcurrent;
        this.maxWaitNanos = b.maxWaitNanos;
        this.type = b.type;
        this.queueCapacity = b.queueCapacity;
        this.key = b.key;
        this.maxKeys = b.maxKeys;
        this.limitAlgorithm = b.limitAlgorithm;
        this.initialLimit = b.initialLimit;
        this.minLimit = b.minLimit;
        this.maxLimit = b.maxLimit;
        this.partitionBy = b.partitionBy;
        this.partitions = Collections.unmodifiableMap(new LinkedHashMap<>(b.partitions));
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
        b.limitAlgorithm = limitAlgorithm;
        b.initialLimit = initialLimit;
        b.minLimit = minLimit;
        b.maxLimit = maxLimit;
        b.partitionBy = partitionBy;
        b.partitions = new LinkedHashMap<>(partitions);
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

    /** ADAPTIVE only. */
    public LimitAlgorithmName limitAlgorithm() {
        return limitAlgorithm;
    }

    /** ADAPTIVE only. */
    public int initialLimit() {
        return initialLimit;
    }

    /** ADAPTIVE only. */
    public int minLimit() {
        return minLimit;
    }

    /** ADAPTIVE only. */
    public int maxLimit() {
        return maxLimit;
    }

    /** Where a call's partition comes from ({@code "#0.priority"}); empty for one pool of slots. */
    public String partitionBy() {
        return partitionBy;
    }

    /** Each partition's share, as configured (not normalised), in config order; empty for one pool of slots. */
    public Map<String, Double> partitions() {
        return partitions;
    }

    /** Whether calls are sorted into partitions. */
    public boolean partitioned() {
        return !partitionBy.isEmpty() && !partitions.isEmpty();
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
                && limitAlgorithm == that.limitAlgorithm
                && initialLimit == that.initialLimit
                && minLimit == that.minLimit
                && maxLimit == that.maxLimit
                && partitionBy.equals(that.partitionBy)
                && partitions.equals(that.partitions)
                && Objects.equals(key, that.key)
                && maxKeys == that.maxKeys;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, maxConcurrent, maxWaitNanos, type, queueCapacity, limitAlgorithm, initialLimit,
                minLimit, maxLimit, partitionBy, partitions, key, maxKeys);
    }

    @Override
    public String toString() {
        return "BulkheadSpec{"
                + "name=" + name
                + ", maxConcurrent=" + maxConcurrent
                + ", maxWaitNanos=" + maxWaitNanos
                + ", type=" + type
                + ", queueCapacity=" + queueCapacity
                + ", limitAlgorithm=" + limitAlgorithm
                + ", initialLimit=" + initialLimit
                + ", minLimit=" + minLimit
                + ", maxLimit=" + maxLimit
                + ", partitionBy=" + partitionBy
                + ", partitions=" + partitions
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
        private LimitAlgorithmName limitAlgorithm = LimitAlgorithmName.GRADIENT2;
        private int initialLimit = 20;
        private int minLimit = 1;
        private int maxLimit = 200;
        private String partitionBy = "";
        private Map<String, Double> partitions = new LinkedHashMap<>();

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

        public Builder limitAlgorithm(LimitAlgorithmName limitAlgorithm) {
            this.limitAlgorithm = limitAlgorithm;
            return this;
        }

        public Builder initialLimit(int initialLimit) {
            this.initialLimit = initialLimit;
            return this;
        }

        public Builder minLimit(int minLimit) {
            this.minLimit = minLimit;
            return this;
        }

        public Builder maxLimit(int maxLimit) {
            this.maxLimit = maxLimit;
            return this;
        }

        public Builder partitionBy(String partitionBy) {
            this.partitionBy = partitionBy;
            return this;
        }

        public Builder partitions(Map<String, Double> partitions) {
            this.partitions = new LinkedHashMap<>(partitions);
            return this;
        }

        public BulkheadSpec build() {
            return new BulkheadSpec(this);
        }
    }
}
