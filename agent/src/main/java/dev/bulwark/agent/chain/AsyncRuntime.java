package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What asynchronous invocations share: one scheduler thread for retries, waits and timeouts, started at the
 * first asynchronous call, and the way to invoke a woven method's body without its advice.
 */
final class AsyncRuntime {
    final NanoClock clock;
    final CallObserver observer;
    private final Consumer<SiteChain> bypass;
    private volatile ScheduledThreadPoolExecutor scheduler;

    AsyncRuntime(NanoClock clock, CallObserver observer, Consumer<SiteChain> bypass) {
        this.clock = clock;
        this.observer = observer;
        this.bypass = bypass;
    }

    Future<?> schedule(Runnable task, long delayNanos) {
        return scheduler().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    private ScheduledThreadPoolExecutor scheduler() {
        ScheduledThreadPoolExecutor current = scheduler;
        if (current == null) {
            synchronized (this) {
                current = scheduler;
                if (current == null) {
                    current = new ScheduledThreadPoolExecutor(1, new DaemonThreads("bulwark-async"));
                    current.setRemoveOnCancelPolicy(true);
                    scheduler = current;
                }
            }
        }
        return current;
    }

    /**
     * Calls the woven method itself on this thread; its advice sees the bypass mark and lets the body run
     * unprotected, since this invocation is already inside the chain.
     */
    @SuppressWarnings("unchecked")
    CompletionStage<Object> invokeBypassingAdvice(SiteChain chain, Class<?> declaringType, Object self, Object[] arguments)
            throws Throwable {
        bypass.accept(chain);
        return (CompletionStage<Object>) chain.asyncBody.invoke(declaringType, self, arguments, null);
    }

    void reportFallbackFailure(String site, SiblingMethod.Unresolvable e) {
        BulwarkLog.errorOnce("fallback " + site, e.getMessage() + "; the failure of " + site + " goes to the caller", e);
    }
}
