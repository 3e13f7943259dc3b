package dev.bulwark.agent.chain;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.agent.bootstrap.Invocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The asynchronous driver's runtime: timers only fire, so application code run by one invocation (a fallback)
 * cannot hold up another's timeout; a timeout bounds a bulkhead wait; a fault of ours in any scheduled step
 * completes the caller's stage.
 */
class AsyncInvocationTest {
    private static final long WAIT_SECONDS = 10;
    private static final AtomicInteger BODIES = new AtomicInteger();
    private static volatile CountDownLatch releaseFallback;
    private static volatile CountDownLatch fallbackStarted;
    private static volatile Thread fallbackThread;

    private final ChainFixture chains = new ChainFixture();

    static CompletionStage<String> failing() {
        BODIES.incrementAndGet();
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
    }

    static CompletionStage<String> neverCompletes() {
        BODIES.incrementAndGet();
        return new CompletableFuture<>();
    }

    static String blockingFallback(Throwable failure) throws InterruptedException {
        fallbackThread = Thread.currentThread();
        fallbackStarted.countDown();
        releaseFallback.await();
        return "fallback after " + failure.getMessage();
    }

    @BeforeEach
    void latches() {
        releaseFallback = new CountDownLatch(1);
        fallbackStarted = new CountDownLatch(1);
    }

    @AfterEach
    void letFallbacksEnd() {
        releaseFallback.countDown();
    }

    private CompletableFuture<Object> call(ChainDispatcher dispatcher, int site) {
        Invocation invocation = dispatcher.enter(site);
        assertThat(invocation.asynchronous).isTrue();
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> stage = (CompletableFuture<Object>) dispatcher.async(invocation,
                AsyncInvocationTest.class, null, new Object[0]);
        return stage;
    }

    @Test
    void aFallbackThatBlocksDoesNotHoldUpAnotherInvocationsTimeout() throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        int slowFallback = chains.asyncSite(AsyncInvocationTest.class, "failing", "blockingFallback",
                "fallback { method = blockingFallback }");
        int timed = chains.asyncSite(AsyncInvocationTest.class, "neverCompletes", null, "timeout { value = 100ms }");

        CompletableFuture<Object> fallingBack = call(dispatcher, slowFallback);
        assertThat(fallbackStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(fallbackThread.getName()).startsWith("bulwark-async-").doesNotContain("timer");

        CompletableFuture<Object> timingOut = call(dispatcher, timed);
        assertThatThrownBy(() -> timingOut.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(fallingBack).isNotDone();

        releaseFallback.countDown();
        assertThat(fallingBack.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("fallback after down");
    }

    @Test
    void theExecutorIsBoundedByTheConfiguredNumberOfThreads() throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        dispatcher.asyncThreads(1);
        int site = chains.asyncSite(AsyncInvocationTest.class, "failing", "blockingFallback",
                "fallback { method = blockingFallback }");

        CompletableFuture<Object> first = call(dispatcher, site);
        assertThat(fallbackStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        fallbackStarted = new CountDownLatch(1);
        CompletableFuture<Object> second = call(dispatcher, site);
        assertThat(fallbackStarted.await(300, TimeUnit.MILLISECONDS)).as("the one thread is busy").isFalse();

        dispatcher.asyncThreads(2);
        releaseFallback.countDown();
        assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("fallback after down");
        assertThat(second.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("fallback after down");
    }

    @Test
    void aTimeoutBoundsTheWaitForABulkheadSlot() throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        int site = chains.asyncSite(AsyncInvocationTest.class, "neverCompletes", null,
                "timeout { value = 300ms }", "bulkhead { max-concurrent = 1, max-wait = 1h }");
        CompletableFuture<Object> holder = call(dispatcher, site);

        CompletableFuture<Object> waiter = call(dispatcher, site);
        assertThatThrownBy(() -> waiter.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThatThrownBy(() -> holder.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(chains.registry.bulkheadActive(chains.registry.bulkheadNames().iterator().next())).isZero();
    }

    @Test
    void aFaultOfOursInAScheduledStepCompletesTheCallersStage() throws Exception {
        IllegalStateException fault = new IllegalStateException("observer broken on purpose");
        CallObserver broken = new CallObserver() {
            @Override
            public Object invocationStarted(String site) {
                return "recording";
            }

            @Override
            public void retryAttempt(Object invocation, String retryName, int attempt) {
                throw fault;
            }
        };
        ChainDispatcher dispatcher = chains.dispatcher(broken);
        int site = chains.asyncSite(AsyncInvocationTest.class, "failing", null, "retry { max-attempts = 3, delay = 10ms }");

        CompletableFuture<Object> stage = call(dispatcher, site);
        assertThatThrownBy(() -> stage.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCause(fault);
    }

    @Test
    void retriesRunOnTheExecutorExactlyMaxAttemptsTimes() throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        int site = chains.asyncSite(AsyncInvocationTest.class, "failing", null, "retry { max-attempts = 3, delay = 10ms }");
        BODIES.set(0);

        CompletableFuture<Object> stage = call(dispatcher, site);
        assertThatThrownBy(() -> stage.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(BODIES.get()).isEqualTo(3);
    }
}
