package dev.bulwark.agent.policy.retry;

import dev.bulwark.agent.policy.ExceptionMatcher;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import java.util.Objects;

/** Settings of one retry loop. Immutable; values are validated where they are read (annotations or config). */
public final class RetrySpec {
    private final String name;
    private final int maxAttempts;
    private final long delayNanos;
    private final Backoff backoff;
    private final double multiplier;
    private final long maxDelayNanos;
    private final Jitter jitter;
    private final long maxDurationNanos;
    private final ExceptionMatcher retryOn;
    private final ExceptionMatcher abortOn;
    private final String delayFrom;
    private final String budget;
    private final String retryOnResult;
    private final RetryBudgetSpec budgetSpec;

    private RetrySpec(Builder b) {
        this.name = b.name;
        this.maxAttempts = b.maxAttempts;
        this.delayNanos = b.delayNanos;
        this.backoff = b.backoff;
        this.multiplier = b.multiplier;
        this.maxDelayNanos = b.maxDelayNanos;
        this.jitter = b.jitter;
        this.maxDurationNanos = b.maxDurationNanos;
        this.retryOn = b.retryOn;
        this.abortOn = b.abortOn;
        this.delayFrom = b.delayFrom;
        this.budget = b.budget;
        this.retryOnResult = b.retryOnResult;
        this.budgetSpec = b.budgetSpec;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.maxAttempts = maxAttempts;
        b.delayNanos = delayNanos;
        b.backoff = backoff;
        b.multiplier = multiplier;
        b.maxDelayNanos = maxDelayNanos;
        b.jitter = jitter;
        b.maxDurationNanos = maxDurationNanos;
        b.retryOn = retryOn;
        b.abortOn = abortOn;
        b.delayFrom = delayFrom;
        b.budget = budget;
        b.retryOnResult = retryOnResult;
        b.budgetSpec = budgetSpec;
        return b;
    }

    public String name() {
        return name;
    }

    /** Attempts in all, the first call included; at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public long delayNanos() {
        return delayNanos;
    }

    public Backoff backoff() {
        return backoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public long maxDelayNanos() {
        return maxDelayNanos;
    }

    public Jitter jitter() {
        return jitter;
    }

    /** 0 means no limit. */
    public long maxDurationNanos() {
        return maxDurationNanos;
    }

    public ExceptionMatcher retryOn() {
        return retryOn;
    }

    public ExceptionMatcher abortOn() {
        return abortOn;
    }

    /** {@code "#exception.getter…"} that gives the next delay, or {@code ""}; see {@link DelayFrom}. */
    public String delayFrom() {
        return delayFrom;
    }

    /** The name of the retry budget the loop's retries draw on, or {@code ""} for none. */
    public String budget() {
        return budget;
    }

    /** A method reference or {@code #result} expression judging a returned result a failure to retry, or {@code ""}. */
    public String retryOnResult() {
        return retryOnResult;
    }

    /** The settings of {@link #budget()} from {@code bulwark.retry-budgets}; null without a budget. */
    public RetryBudgetSpec budgetSpec() {
        return budgetSpec;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RetrySpec)) {
            return false;
        }
        RetrySpec that = (RetrySpec) o;
        return Objects.equals(name, that.name)
                && maxAttempts == that.maxAttempts
                && delayNanos == that.delayNanos
                && Objects.equals(backoff, that.backoff)
                && Double.compare(multiplier, that.multiplier) == 0
                && maxDelayNanos == that.maxDelayNanos
                && Objects.equals(jitter, that.jitter)
                && maxDurationNanos == that.maxDurationNanos
                && Objects.equals(retryOn, that.retryOn)
                && Objects.equals(abortOn, that.abortOn)
                && delayFrom.equals(that.delayFrom)
                && budget.equals(that.budget)
                && Objects.equals(budgetSpec, that.budgetSpec)
                && retryOnResult.equals(that.retryOnResult);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, maxAttempts, delayNanos, backoff, multiplier, maxDelayNanos, jitter, maxDurationNanos, retryOn, abortOn, delayFrom, budget, budgetSpec, retryOnResult);
    }

    @Override
    public String toString() {
        return "RetrySpec{"
                + "name=" + name
                + ", maxAttempts=" + maxAttempts
                + ", delayNanos=" + delayNanos
                + ", backoff=" + backoff
                + ", multiplier=" + multiplier
                + ", maxDelayNanos=" + maxDelayNanos
                + ", jitter=" + jitter
                + ", maxDurationNanos=" + maxDurationNanos
                + ", retryOn=" + retryOn
                + ", abortOn=" + abortOn
                + ", delayFrom=" + delayFrom
                + ", budget=" + (budgetSpec != null ? budgetSpec : budget)
                + ", retryOnResult=" + retryOnResult
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private String name = "";
        private int maxAttempts = 3;
        private long delayNanos = 100_000_000L;
        private Backoff backoff = Backoff.EXPONENTIAL;
        private double multiplier = 2.0;
        private long maxDelayNanos = 10_000_000_000L;
        private Jitter jitter = Jitter.FULL;
        private long maxDurationNanos = 0L;
        private ExceptionMatcher retryOn = ExceptionMatcher.of("java.lang.Exception");
        private ExceptionMatcher abortOn = ExceptionMatcher.none();
        private String delayFrom = "";
        private String budget = "";
        private String retryOnResult = "";
        private RetryBudgetSpec budgetSpec;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder delayNanos(long delayNanos) {
            this.delayNanos = delayNanos;
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = backoff;
            return this;
        }

        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        public Builder maxDelayNanos(long maxDelayNanos) {
            this.maxDelayNanos = maxDelayNanos;
            return this;
        }

        public Builder jitter(Jitter jitter) {
            this.jitter = jitter;
            return this;
        }

        public Builder maxDurationNanos(long maxDurationNanos) {
            this.maxDurationNanos = maxDurationNanos;
            return this;
        }

        public Builder retryOn(ExceptionMatcher retryOn) {
            this.retryOn = retryOn;
            return this;
        }

        public Builder abortOn(ExceptionMatcher abortOn) {
            this.abortOn = abortOn;
            return this;
        }

        public Builder delayFrom(String delayFrom) {
            this.delayFrom = delayFrom;
            return this;
        }

        public Builder budget(String budget) {
            this.budget = budget;
            return this;
        }

        /** The settings of the budget this retry draws on; null for none. */
        public Builder budgetSpec(RetryBudgetSpec budgetSpec) {
            this.budgetSpec = budgetSpec;
            return this;
        }

        public Builder retryOnResult(String retryOnResult) {
            this.retryOnResult = retryOnResult;
            return this;
        }

        public RetrySpec build() {
            return new RetrySpec(this);
        }
    }
}
