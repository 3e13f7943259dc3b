package dev.bulwark.agent.policy.timeout;

import java.util.Objects;

/** Settings of one timeout. Immutable; values are validated where they are read (annotations or config). */
public final class TimeoutSpec {
    private final long timeoutNanos;
    private final boolean interrupt;
    private final boolean adaptive;
    private final double adaptivePercentile;
    private final double adaptiveMultiplier;
    private final long adaptiveMinNanos;
    private final int adaptiveMinCalls;
    private final long adaptiveWindowNanos;

    private TimeoutSpec(Builder b) {
        this.timeoutNanos = b.timeoutNanos;
        this.interrupt = b.interrupt;
        this.adaptive = b.adaptive;
        this.adaptivePercentile = b.adaptivePercentile;
        this.adaptiveMultiplier = b.adaptiveMultiplier;
        this.adaptiveMinNanos = b.adaptiveMinNanos;
        this.adaptiveMinCalls = b.adaptiveMinCalls;
        this.adaptiveWindowNanos = b.adaptiveWindowNanos;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.timeoutNanos = timeoutNanos;
        b.interrupt = interrupt;
        b.adaptive = adaptive;
        b.adaptivePercentile = adaptivePercentile;
        b.adaptiveMultiplier = adaptiveMultiplier;
        b.adaptiveMinNanos = adaptiveMinNanos;
        b.adaptiveMinCalls = adaptiveMinCalls;
        b.adaptiveWindowNanos = adaptiveWindowNanos;
        return b;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Whether the caller's thread is interrupted at the deadline. */
    public boolean interrupt() {
        return interrupt;
    }

    /** Whether the deadline follows recent latencies ({@code adaptive.enabled}); {@link #timeoutNanos} is then its cap. */
    public boolean adaptive() {
        return adaptive;
    }

    public double adaptivePercentile() {
        return adaptivePercentile;
    }

    public double adaptiveMultiplier() {
        return adaptiveMultiplier;
    }

    public long adaptiveMinNanos() {
        return adaptiveMinNanos;
    }

    public int adaptiveMinCalls() {
        return adaptiveMinCalls;
    }

    public long adaptiveWindowNanos() {
        return adaptiveWindowNanos;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TimeoutSpec)) {
            return false;
        }
        TimeoutSpec that = (TimeoutSpec) o;
        return timeoutNanos == that.timeoutNanos
                && interrupt == that.interrupt
                && adaptive == that.adaptive
                && Double.compare(adaptivePercentile, that.adaptivePercentile) == 0
                && Double.compare(adaptiveMultiplier, that.adaptiveMultiplier) == 0
                && adaptiveMinNanos == that.adaptiveMinNanos
                && adaptiveMinCalls == that.adaptiveMinCalls
                && adaptiveWindowNanos == that.adaptiveWindowNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeoutNanos, interrupt, adaptive, adaptivePercentile, adaptiveMultiplier, adaptiveMinNanos,
                adaptiveMinCalls, adaptiveWindowNanos);
    }

    @Override
    public String toString() {
        return "TimeoutSpec{"
                + "timeoutNanos=" + timeoutNanos
                + ", interrupt=" + interrupt
                + (adaptive ? ", adaptive={percentile=" + adaptivePercentile + ", multiplier=" + adaptiveMultiplier
                        + ", minNanos=" + adaptiveMinNanos + ", minCalls=" + adaptiveMinCalls + ", windowNanos="
                        + adaptiveWindowNanos + "}" : "")
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private long timeoutNanos = 1_000_000_000L;
        private boolean interrupt = true;
        private boolean adaptive;
        private double adaptivePercentile = 99.0;
        private double adaptiveMultiplier = 1.5;
        private long adaptiveMinNanos = 10_000_000L;
        private int adaptiveMinCalls = 100;
        private long adaptiveWindowNanos = 60_000_000_000L;

        private Builder() {
        }

        public Builder timeoutNanos(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
            return this;
        }

        public Builder interrupt(boolean interrupt) {
            this.interrupt = interrupt;
            return this;
        }

        public Builder adaptive(boolean adaptive) {
            this.adaptive = adaptive;
            return this;
        }

        public Builder adaptivePercentile(double adaptivePercentile) {
            this.adaptivePercentile = adaptivePercentile;
            return this;
        }

        public Builder adaptiveMultiplier(double adaptiveMultiplier) {
            this.adaptiveMultiplier = adaptiveMultiplier;
            return this;
        }

        public Builder adaptiveMinNanos(long adaptiveMinNanos) {
            this.adaptiveMinNanos = adaptiveMinNanos;
            return this;
        }

        public Builder adaptiveMinCalls(int adaptiveMinCalls) {
            this.adaptiveMinCalls = adaptiveMinCalls;
            return this;
        }

        public Builder adaptiveWindowNanos(long adaptiveWindowNanos) {
            this.adaptiveWindowNanos = adaptiveWindowNanos;
            return this;
        }

        public TimeoutSpec build() {
            return new TimeoutSpec(this);
        }
    }
}
