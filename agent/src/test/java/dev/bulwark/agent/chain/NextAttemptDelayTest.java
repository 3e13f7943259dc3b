package dev.bulwark.agent.chain;

import dev.bulwark.CircuitOpenException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.agent.bootstrap.Invocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The delay before a next attempt: the backoff, delayFrom, and the Retry-After of a refusal inside the attempt. */
class NextAttemptDelayTest {
    private static final long MILLI = 1_000_000L;
    private static final String FIXED_1MS = "retry { max-attempts = 3, delay = 1ms, backoff = FIXED, jitter = NONE";

    private final ChainFixture chains = new ChainFixture();
    private final ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
    private final PolicySteps steps = new PolicySteps(chains.registry, CallObserver.NONE);

    /** Public, so that delayFrom's getter is accessible. */
    public static final class Busy extends RuntimeException {
        private final Duration retryAfter;

        Busy(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private long delayAfter(String retry, Throwable failure) {
        Invocation entered = dispatcher.enter(chains.site(retry));
        Call call = (Call) (entered.stateless ? dispatcher.endStateless(entered, failure) : entered);
        try {
            long now = System.nanoTime();
            call.invocationStartNanos = now;
            return steps.nextAttemptDelay(call, failure, steps.judgedType(failure), 0, now, Long.MAX_VALUE);
        } finally {
            dispatcher.finish(call);
        }
    }

    @Test
    void aRefusalFromAProtectedMethodCalledInsideTheAttemptIsWaitedOutEvenWrapped() {
        Throwable nested = new CompletionException(new RateLimitedException("inner", Duration.ofMillis(300)));

        assertThat(delayAfter(FIXED_1MS + " }", nested)).isEqualTo(300 * MILLI);
        assertThat(delayAfter(FIXED_1MS + " }", new CircuitOpenException("inner", Duration.ofMillis(40))))
                .isEqualTo(40 * MILLI);
        assertThat(delayAfter(FIXED_1MS + " }", new CircuitOpenException("inner"))).as("unknown").isEqualTo(MILLI);
    }

    @Test
    void aRetryAfterThatCannotFitInMaxDurationEndsTheLoop() {
        Throwable refusal = new RateLimitedException("inner", Duration.ofSeconds(5));

        assertThat(delayAfter(FIXED_1MS + ", max-duration = 1s }", refusal)).isEqualTo(PolicySteps.NO_RETRY);
    }

    @Test
    void delayFromReplacesTheBackoffAndTheLongerOfItAndARetryAfterWins() {
        String delayFrom = FIXED_1MS + ", delay-from = \"#exception.retryAfter\" }";

        assertThat(delayAfter(delayFrom, new Busy(Duration.ofMillis(250)))).isEqualTo(250 * MILLI);
        assertThat(delayAfter(delayFrom, new RateLimitedException("inner", Duration.ofMillis(90)))).isEqualTo(90 * MILLI);
        assertThat(delayAfter(FIXED_1MS + ", max-delay = 100ms, delay-from = \"#exception.retryAfter\" }",
                new Busy(Duration.ofSeconds(3)))).as("capped at maxDelay").isEqualTo(100 * MILLI);
    }
}
