package dev.bulwark.agent.policy.timeout;

import java.util.Objects;

/** Settings of one timeout. Immutable; values are validated where they are read (annotations or config). */
public final class TimeoutSpec {
    private final long timeoutNanos;
    private final boolean interrupt;

    private TimeoutSpec(Builder b) {
        this.timeoutNanos = b.timeoutNanos;
        this.interrupt = b.interrupt;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.timeoutNanos = timeoutNanos;
        b.interrupt = interrupt;
        return b;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Whether the caller's thread is interrupted at the deadline. */
    public boolean interrupt() {
        return interrupt;
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
                && interrupt == that.interrupt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeoutNanos, interrupt);
    }

    @Override
    public String toString() {
        return "TimeoutSpec{"
                + "timeoutNanos=" + timeoutNanos
                + ", interrupt=" + interrupt
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private long timeoutNanos = 1_000_000_000L;
        private boolean interrupt = true;

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

        public TimeoutSpec build() {
            return new TimeoutSpec(this);
        }
    }
}
