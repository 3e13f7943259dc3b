package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.policy.Unwrapping;
import dev.bulwark.agent.policy.circuitbreaker.CircuitState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Every exception matcher of the chain judges a wrapped exception by its cause, the synchronous driver's way. */
class UnwrappedMatchingTest {
    private final ChainFixture chains = new ChainFixture();
    private final ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);

    @Test
    void retryOnAndAbortOnLookThroughTheWrappers() {
        int retried = chains.site("retry { max-attempts = 2, delay = 0ms, retry-on = [\"java.io.IOException\"] }");
        Throwable wrapped = new CompletionException(new IOException());
        Invocation invocation = frame(dispatcher.enter(retried), wrapped);
        assertThat(dispatcher.exit(invocation, wrapped)).isEqualTo(BulwarkBridge.REPEAT);
        assertThat(dispatcher.exit(invocation, null)).isEqualTo(BulwarkBridge.PROCEED);

        int aborted = chains.site("retry { max-attempts = 3, delay = 0ms, abort-on = [\"java.io.IOException\"] }");
        assertThat(exitOnce(aborted, new ExecutionException(new IOException()))).isEqualTo(BulwarkBridge.PROCEED);
    }

    @Test
    void recordOnAndIgnoreOnLookThroughTheWrappers() {
        int recorded = chains.site("circuit-breaker { name = unwrap-recorded, minimum-calls = 2, window-size = 2,"
                + " record-on = [\"java.io.IOException\"] }");
        failTwice(recorded, new CompletionException(new IOException()));
        assertThat(chains.registry.circuitBreaker("unwrap-recorded").state()).isEqualTo(CircuitState.OPEN);

        int ignored = chains.site("circuit-breaker { name = unwrap-ignored, minimum-calls = 2, window-size = 2,"
                + " ignore-on = [\"java.io.IOException\"] }");
        failTwice(ignored, new CompletionException(new IOException()));
        assertThat(chains.registry.circuitBreaker("unwrap-ignored").state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void applyOnAndSkipOnLookThroughTheWrappers() {
        int applied = chains.siteWithFallback("java.lang.Throwable", "fallback { method = fallback, apply-on = [\"java.io.IOException\"] }");
        assertThat(exitOnce(applied, new CompletionException(new IOException())))
                .isEqualTo(BulwarkBridge.FALLBACK);

        int skipped = chains.siteWithFallback("java.lang.Throwable", "fallback { method = fallback, skip-on = [\"java.io.IOException\"] }");
        assertThat(exitOnce(skipped, new CompletionException(new IOException()))).isEqualTo(BulwarkBridge.PROCEED);
    }

    @Test
    void aFallbackParameterMustAcceptTheExceptionAsThrownSinceThatIsWhatItReceives() {
        int site = chains.siteWithFallback("java.io.IOException", "fallback { method = fallback }");

        assertThat(exitOnce(site, new CompletionException(new IOException()))).isEqualTo(BulwarkBridge.PROCEED);
        assertThat(exitOnce(site, new IOException())).isEqualTo(BulwarkBridge.FALLBACK);
    }

    /** The invocation that takes on a failed attempt: a shared one hands it to a frame, as the advice does. */
    private Invocation frame(Invocation entered, Throwable failure) {
        return entered.stateless ? dispatcher.endStateless(entered, failure) : entered;
    }

    private int exitOnce(int site, Throwable failure) {
        Invocation invocation = frame(dispatcher.enter(site), failure);
        int verdict = dispatcher.exit(invocation, failure);
        if (verdict != BulwarkBridge.PROCEED) {
            dispatcher.finish(invocation);
        }
        return verdict;
    }

    @Test
    void anEmptyUnwrapListJudgesTheExceptionAsThrown() {
        dispatcher.unwrapping(Unwrapping.of(List.of()));
        int site = chains.site("retry { max-attempts = 2, delay = 0ms, retry-on = [\"java.io.IOException\"] }");

        assertThat(exitOnce(site, new CompletionException(new IOException()))).isEqualTo(BulwarkBridge.PROCEED);
    }

    private void failTwice(int site, Throwable failure) {
        for (int i = 0; i < 2; i++) {
            assertThat(exitOnce(site, failure)).isEqualTo(BulwarkBridge.PROCEED);
        }
    }
}
