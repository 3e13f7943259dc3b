package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.ResultFailureException;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failures judged from results, the same through a synchronous method, one returning a stage and one returning a
 * Mono (see {@link Mode}): the bodies return a {@link Reply} whose status says whether it is a failure, never
 * throw; a Mono's item is judged as a value is.
 */
public final class ResultParity {
    private static final String RECORDED = "dev.bulwark.it.app.parity.ResultParity#recorded";
    private static final AtomicInteger CALLS = new AtomicInteger();
    /** How many of the next calls answer 503 before they answer 200. */
    private static volatile int failuresBeforeSuccess;

    private ResultParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(ResultParity.class, args);
    }

    /** What a legacy client returns instead of throwing. */
    public static final class Reply {
        private final int status;
        /** What a fallback made of the failed reply, or null for a reply of the server. */
        private final String fallback;

        Reply(int status) {
            this(status, null);
        }

        Reply(int status, String fallback) {
            this.status = status;
            this.fallback = fallback;
        }

        public int status() {
            return status;
        }

        @Override
        public String toString() {
            return fallback != null ? fallback : "status " + status + " at call " + CALLS.get();
        }
    }

    /** A check in a class of its own, named "class#method". */
    public static final class Checks {
        private Checks() {
        }

        public static boolean isServerError(Reply reply) {
            return reply.status() >= 500;
        }
    }

    private static Reply answer() {
        return new Reply(CALLS.incrementAndGet() <= failuresBeforeSuccess ? 503 : 200);
    }

    boolean isBad(Reply reply) {
        return reply.status() >= 500;
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status in 500..599")
    static Reply byExpression() {
        return answer();
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status in 500..599")
    static CompletionStage<Reply> byExpressionAsync() {
        return Mode.later(ResultParity::answer);
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status in 500..599")
    static Mono<Reply> byExpressionMono() {
        return Mode.lazily(ResultParity::answer);
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "isBad")
    Reply byOwnMethod() {
        return answer();
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "isBad")
    CompletionStage<Reply> byOwnMethodAsync() {
        return Mode.later(ResultParity::answer);
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "isBad")
    Mono<Reply> byOwnMethodMono() {
        return Mode.lazily(ResultParity::answer);
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE,
            retryOnResult = "dev.bulwark.it.app.parity.ResultParity$Checks#isServerError")
    static Reply byOtherClass() {
        return answer();
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE,
            retryOnResult = "dev.bulwark.it.app.parity.ResultParity$Checks#isServerError")
    static CompletionStage<Reply> byOtherClassAsync() {
        return Mode.later(ResultParity::answer);
    }

    @Retry(maxAttempts = 4, delay = "1ms", jitter = Jitter.NONE,
            retryOnResult = "dev.bulwark.it.app.parity.ResultParity$Checks#isServerError")
    static Mono<Reply> byOtherClassMono() {
        return Mode.lazily(ResultParity::answer);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOn = IllegalStateException.class, recordOnResult = "#result.status >= 500")
    static Reply recorded() {
        return answer();
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOn = IllegalStateException.class, recordOnResult = "#result.status >= 500")
    static CompletionStage<Reply> recordedAsync() {
        return Mode.later(ResultParity::answer);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOn = IllegalStateException.class, recordOnResult = "#result.status >= 500")
    static Mono<Reply> recordedMono() {
        return Mode.lazily(ResultParity::answer);
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status != 200")
    @Fallback(method = "replyOf", applyOnResult = true)
    static Reply fallsBack() {
        return answer();
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status != 200")
    @Fallback(method = "replyOf", applyOnResult = true)
    static CompletionStage<Reply> fallsBackAsync() {
        return Mode.later(ResultParity::answer);
    }

    @Retry(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status != 200")
    @Fallback(method = "replyOf", applyOnResult = true)
    static Mono<Reply> fallsBackMono() {
        return Mode.lazily(ResultParity::answer);
    }

    private static Reply replyOf(ResultFailureException failure) {
        return new Reply(0, "fallback got " + failure.getClass().getSimpleName() + " with " + failure.result());
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.status in 500..")
    static Reply badExpression() {
        return answer();
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "#result.code == 503")
    static CompletionStage<Reply> badGetterAsync() {
        return Mode.later(ResultParity::answer);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE, retryOnResult = "isMissing")
    static Reply missingMethod() {
        return answer();
    }

    private static void failFirst(int failures) {
        CALLS.set(0);
        failuresBeforeSuccess = failures;
    }

    /** Every check at work, in one JVM. */
    public static void resultPredicates() {
        retryOnResult();
        recordOnResult();
        applyOnResult();
    }

    private static void retryOnResult() {
        ResultParity self = new ResultParity();
        for (Mode mode : Mode.values()) {
            failFirst(2);
            mode.put("expression", mode.outcome(ResultParity::byExpression, ResultParity::byExpressionAsync,
                    ResultParity::byExpressionMono));
            failFirst(9);
            mode.put("exhausted", mode.outcome(ResultParity::byExpression, ResultParity::byExpressionAsync,
                    ResultParity::byExpressionMono));
            failFirst(2);
            mode.put("ownMethod", mode.outcome(self::byOwnMethod, self::byOwnMethodAsync, self::byOwnMethodMono));
            failFirst(2);
            mode.put("otherClass", mode.outcome(ResultParity::byOtherClass, ResultParity::byOtherClassAsync,
                    ResultParity::byOtherClassMono));
        }
    }

    private static void recordOnResult() {
        for (Mode mode : Mode.values()) {
            failFirst(9);
            mode.outcome(ResultParity::recorded, ResultParity::recordedAsync, ResultParity::recordedMono);
            mode.outcome(ResultParity::recorded, ResultParity::recordedAsync, ResultParity::recordedMono);
            mode.put("state", CircuitBreakers.find(mode.site(RECORDED)).state());
            mode.put("rejected", mode.outcome(ResultParity::recorded, ResultParity::recordedAsync,
                    ResultParity::recordedMono));
            mode.put("calls", CALLS.get());
        }
    }

    private static void applyOnResult() {
        for (Mode mode : Mode.values()) {
            failFirst(9);
            mode.put("outcome", mode.outcome(ResultParity::fallsBack, ResultParity::fallsBackAsync,
                    ResultParity::fallsBackMono));
            failFirst(1);
            mode.put("recovered", mode.outcome(ResultParity::fallsBack, ResultParity::fallsBackAsync,
                    ResultParity::fallsBackMono));
        }
    }

    public static void badChecks() {
        failFirst(9);
        Report.put("badExpression", Mode.SYNC.outcomeOf(ResultParity::badExpression));
        failFirst(9);
        Report.put("badGetter", Mode.ASYNC.outcome(ResultParity.badGetterAsync()));
        failFirst(9);
        Report.put("missingMethod", Mode.SYNC.outcomeOf(ResultParity::missingMethod));
    }
}
