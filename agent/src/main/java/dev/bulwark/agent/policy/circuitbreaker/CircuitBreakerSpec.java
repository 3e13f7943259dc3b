package dev.bulwark.agent.policy.circuitbreaker;

import dev.bulwark.agent.policy.ExceptionMatcher;
import dev.bulwark.annotations.WindowType;
import java.util.Objects;

/** Settings of one circuit breaker. Immutable; values are validated where they are read (annotations or config). */
public final class CircuitBreakerSpec {
    private final String name;
    private final int failureRateThreshold;
    private final int slowCallRateThreshold;
    private final long slowCallDurationNanos;
    private final WindowType windowType;
    private final int windowSize;
    private final int minimumCalls;
    private final int consecutiveFailures;
    private final long waitInOpenNanos;
    private final int halfOpenCalls;
    private final ExceptionMatcher recordOn;
    private final ExceptionMatcher ignoreOn;
    private final String key;
    private final int maxKeys;
    private final String recordOnResult;

    private CircuitBreakerSpec(Builder b) {
        this.name = b.name;
        this.failureRateThreshold = b.failureRateThreshold;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
        this.slowCallDurationNanos = b.slowCallDurationNanos;
        this.windowType = b.windowType;
        this.windowSize = b.windowSize;
        this.minimumCalls = b.minimumCalls;
        this.consecutiveFailures = b.consecutiveFailures;
        this.waitInOpenNanos = b.waitInOpenNanos;
        this.halfOpenCalls = b.halfOpenCalls;
        this.recordOn = b.recordOn;
        this.ignoreOn = b.ignoreOn;
        this.key = b.key;
        this.maxKeys = b.maxKeys;
        this.recordOnResult = b.recordOnResult;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.failureRateThreshold = failureRateThreshold;
        b.slowCallRateThreshold = slowCallRateThreshold;
        b.slowCallDurationNanos = slowCallDurationNanos;
        b.windowType = windowType;
        b.windowSize = windowSize;
        b.minimumCalls = minimumCalls;
        b.consecutiveFailures = consecutiveFailures;
        b.waitInOpenNanos = waitInOpenNanos;
        b.halfOpenCalls = halfOpenCalls;
        b.recordOn = recordOn;
        b.ignoreOn = ignoreOn;
        b.key = key;
        b.maxKeys = maxKeys;
        b.recordOnResult = recordOnResult;
        return b;
    }

    /** Shared name, or the method's own {@code com.acme.Foo#bar}. */
    public String name() {
        return name;
    }

    /** Percent, 1..100. */
    public int failureRateThreshold() {
        return failureRateThreshold;
    }

    /** Percent, 1..100. */
    public int slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    public long slowCallDurationNanos() {
        return slowCallDurationNanos;
    }

    public WindowType windowType() {
        return windowType;
    }

    /** Calls for COUNT, seconds for TIME. */
    public int windowSize() {
        return windowSize;
    }

    public int minimumCalls() {
        return minimumCalls;
    }

    /** 0 means off. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public long waitInOpenNanos() {
        return waitInOpenNanos;
    }

    public int halfOpenCalls() {
        return halfOpenCalls;
    }

    public ExceptionMatcher recordOn() {
        return recordOn;
    }

    public ExceptionMatcher ignoreOn() {
        return ignoreOn;
    }

    /** {@code ""} for one policy; {@code "#N"} or {@code "#N.getter"} for one per value of that argument. */
    public String key() {
        return key;
    }

    /** Keyed policies retained at most. */
    public int maxKeys() {
        return maxKeys;
    }

    /** A method reference or {@code #result} expression judging a returned result a failure to record, or {@code ""}. */
    public String recordOnResult() {
        return recordOnResult;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CircuitBreakerSpec)) {
            return false;
        }
        CircuitBreakerSpec that = (CircuitBreakerSpec) o;
        return Objects.equals(name, that.name)
                && failureRateThreshold == that.failureRateThreshold
                && slowCallRateThreshold == that.slowCallRateThreshold
                && slowCallDurationNanos == that.slowCallDurationNanos
                && Objects.equals(windowType, that.windowType)
                && windowSize == that.windowSize
                && minimumCalls == that.minimumCalls
                && consecutiveFailures == that.consecutiveFailures
                && waitInOpenNanos == that.waitInOpenNanos
                && halfOpenCalls == that.halfOpenCalls
                && Objects.equals(recordOn, that.recordOn)
                && Objects.equals(ignoreOn, that.ignoreOn)
                && recordOnResult.equals(that.recordOnResult)
                && Objects.equals(key, that.key)
                && maxKeys == that.maxKeys;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, failureRateThreshold, slowCallRateThreshold, slowCallDurationNanos, windowType, windowSize, minimumCalls, consecutiveFailures, waitInOpenNanos, halfOpenCalls, recordOn, ignoreOn, recordOnResult, key, maxKeys);
    }

    @Override
    public String toString() {
        return "CircuitBreakerSpec{"
                + "name=" + name
                + ", failureRateThreshold=" + failureRateThreshold
                + ", slowCallRateThreshold=" + slowCallRateThreshold
                + ", slowCallDurationNanos=" + slowCallDurationNanos
                + ", windowType=" + windowType
                + ", windowSize=" + windowSize
                + ", minimumCalls=" + minimumCalls
                + ", consecutiveFailures=" + consecutiveFailures
                + ", waitInOpenNanos=" + waitInOpenNanos
                + ", halfOpenCalls=" + halfOpenCalls
                + ", recordOn=" + recordOn
                + ", ignoreOn=" + ignoreOn
                + (key.isEmpty() ? "" : ", key=" + key + ", maxKeys=" + maxKeys)
                + ", recordOnResult=" + recordOnResult
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private String name = "";
        private int failureRateThreshold = 50;
        private int slowCallRateThreshold = 100;
        private long slowCallDurationNanos = 60_000_000_000L;
        private WindowType windowType = WindowType.COUNT;
        private int windowSize = 100;
        private int minimumCalls = 20;
        private int consecutiveFailures = 0;
        private long waitInOpenNanos = 30_000_000_000L;
        private int halfOpenCalls = 5;
        private ExceptionMatcher recordOn = ExceptionMatcher.of("java.lang.Exception");
        private ExceptionMatcher ignoreOn = ExceptionMatcher.none();
        private String recordOnResult = "";

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

        public Builder failureRateThreshold(int failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
            return this;
        }

        public Builder slowCallRateThreshold(int slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
            return this;
        }

        public Builder slowCallDurationNanos(long slowCallDurationNanos) {
            this.slowCallDurationNanos = slowCallDurationNanos;
            return this;
        }

        public Builder windowType(WindowType windowType) {
            this.windowType = windowType;
            return this;
        }

        public Builder windowSize(int windowSize) {
            this.windowSize = windowSize;
            return this;
        }

        public Builder minimumCalls(int minimumCalls) {
            this.minimumCalls = minimumCalls;
            return this;
        }

        public Builder consecutiveFailures(int consecutiveFailures) {
            this.consecutiveFailures = consecutiveFailures;
            return this;
        }

        public Builder waitInOpenNanos(long waitInOpenNanos) {
            this.waitInOpenNanos = waitInOpenNanos;
            return this;
        }

        public Builder halfOpenCalls(int halfOpenCalls) {
            this.halfOpenCalls = halfOpenCalls;
            return this;
        }

        public Builder recordOn(ExceptionMatcher recordOn) {
            this.recordOn = recordOn;
            return this;
        }

        public Builder ignoreOn(ExceptionMatcher ignoreOn) {
            this.ignoreOn = ignoreOn;
            return this;
        }

        public Builder recordOnResult(String recordOnResult) {
            this.recordOnResult = recordOnResult;
            return this;
        }

        public CircuitBreakerSpec build() {
            return new CircuitBreakerSpec(this);
        }
    }
}
