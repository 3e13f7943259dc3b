package dev.bulwark.agent.policy.fallback;

import dev.bulwark.agent.policy.ExceptionMatcher;
import java.util.Objects;

/** Settings of one fallback. Immutable; values are validated where they are read (annotations or config). */
public final class FallbackSpec {
    private final String method;
    private final ExceptionMatcher applyOn;
    private final ExceptionMatcher skipOn;
    private final boolean applyOnResult;

    private FallbackSpec(Builder b) {
        this.method = b.method;
        this.applyOn = b.applyOn;
        this.skipOn = b.skipOn;
        this.applyOnResult = b.applyOnResult;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.method = method;
        b.applyOn = applyOn;
        b.skipOn = skipOn;
        b.applyOnResult = applyOnResult;
        return b;
    }

    /** Name of the fallback method in the same class. */
    public String method() {
        return method;
    }

    public ExceptionMatcher applyOn() {
        return applyOn;
    }

    public ExceptionMatcher skipOn() {
        return skipOn;
    }

    /** Whether a result judged a failure goes to the fallback instead of the caller. */
    public boolean applyOnResult() {
        return applyOnResult;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FallbackSpec)) {
            return false;
        }
        FallbackSpec that = (FallbackSpec) o;
        return Objects.equals(method, that.method)
                && Objects.equals(applyOn, that.applyOn)
                && Objects.equals(skipOn, that.skipOn)
                && applyOnResult == that.applyOnResult;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, applyOn, skipOn, applyOnResult);
    }

    @Override
    public String toString() {
        return "FallbackSpec{"
                + "method=" + method
                + ", applyOn=" + applyOn
                + ", skipOn=" + skipOn
                + ", applyOnResult=" + applyOnResult
                + "}";
    }

    /** Starts from the built-in defaults, those of reference.conf. */
    public static final class Builder {
        private String method = "";
        private ExceptionMatcher applyOn = ExceptionMatcher.of("java.lang.Throwable");
        private ExceptionMatcher skipOn = ExceptionMatcher.none();
        private boolean applyOnResult = false;

        private Builder() {
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder applyOn(ExceptionMatcher applyOn) {
            this.applyOn = applyOn;
            return this;
        }

        public Builder skipOn(ExceptionMatcher skipOn) {
            this.skipOn = skipOn;
            return this;
        }

        public Builder applyOnResult(boolean applyOnResult) {
            this.applyOnResult = applyOnResult;
            return this;
        }

        public FallbackSpec build() {
            return new FallbackSpec(this);
        }
    }
}
