package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.runtime.AgentThreads;
import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What asynchronous invocations share: a timer and an executor, both started at the first asynchronous call,
 * and the way to invoke a woven method's body without its advice.
 *
 * <p>The timer only fires: its one thread hands every task to the executor, except the few steps that run no
 * code of the application (polling a bulkhead for a slot, claiming an attempt that timed out), so that no
 * fallback, body or dependent stage can hold up another invocation's timeout. The executor has a bounded
 * number of daemon threads, which end when idle.
 */
final class AsyncRuntime {
    /** Threads of the executor when the configuration names none. */
    static final int DEFAULT_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    private static final long IDLE_THREAD_SECONDS = 30;

    final NanoClock clock;
    final PolicySteps steps;
    private final ThreadLocal<CallStack> stacks;
    private int threads = DEFAULT_THREADS;
    private volatile Pools pools;

    AsyncRuntime(NanoClock clock, PolicySteps steps, ThreadLocal<CallStack> stacks) {
        this.clock = clock;
        this.steps = steps;
        this.stacks = stacks;
    }

    /** The executor's size from now on; 0 for {@link #DEFAULT_THREADS}. */
    synchronized void threads(int count) {
        threads = count > 0 ? count : DEFAULT_THREADS;
        Pools current = pools;
        if (current == null) {
            return;
        }
        ThreadPoolExecutor executor = current.executor;
        // The core size may never exceed the maximum, so the order depends on the direction.
        if (threads >= executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(threads);
            executor.setCorePoolSize(threads);
        } else {
            executor.setCorePoolSize(threads);
            executor.setMaximumPoolSize(threads);
        }
    }

    /** Runs {@code task} on the executor after {@code delayNanos}. */
    Future<?> schedule(Runnable task, long delayNanos) {
        Pools pools = pools();
        return pools.timer.schedule(() -> pools.executor.execute(task), Math.max(0L, delayNanos), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code step} on the timer's own thread after {@code delayNanos}: only for steps that run none of the
     * application's code and never block.
     */
    Future<?> scheduleOnTimer(Runnable step, long delayNanos) {
        return pools().timer.schedule(step, Math.max(0L, delayNanos), TimeUnit.NANOSECONDS);
    }

    void execute(Runnable task) {
        pools().executor.execute(task);
    }

    /** The timer and the executor, made at the first asynchronous call; neither starts a thread before it is needed. */
    private Pools pools() {
        Pools current = pools;
        if (current == null) {
            synchronized (this) {
                current = pools;
                if (current == null) {
                    current = new Pools(threads);
                    pools = current;
                }
            }
        }
        return current;
    }

    private static final class Pools {
        final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, AgentThreads.factory("bulwark-async-timer"));
        final ThreadPoolExecutor executor;

        Pools(int threads) {
            timer.setRemoveOnCancelPolicy(true);
            executor = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), AgentThreads.factory("bulwark-async"));
            executor.allowCoreThreadTimeOut(true);
        }
    }

    /**
     * Calls the woven method itself on this thread; its advice sees the bypass mark and lets the body run
     * unprotected, since this invocation is already inside the chain. The mark is cleared afterwards in any case,
     * so that a method no longer woven (a reload dropped its policies) cannot leave it for an unrelated call.
     */
    @SuppressWarnings("unchecked")
    CompletionStage<Object> invokeBypassingAdvice(SiteChain chain, Class<?> declaringType, Object self, Object[] arguments)
            throws Throwable {
        return (CompletionStage<Object>) invokeBodyBypassingAdvice(chain, declaringType, self, arguments);
    }

    /** As {@link #invokeBypassingAdvice}, for a body returning what is not a stage (a reactive publisher). */
    Object invokeBodyBypassingAdvice(SiteChain chain, Class<?> declaringType, Object self, Object[] arguments)
            throws Throwable {
        CallStack stack = stacks.get();
        stack.bypassSite = chain.id;
        try {
            return chain.asyncBody.invoke(declaringType, self, arguments, null);
        } finally {
            stack.bypassSite = CallStack.NO_SITE;
        }
    }

    void reportInternalError(String site, Throwable error) {
        BulwarkLog.errorOnce("async " + error.getClass().getName(), "internal error in the asynchronous invocation of "
                + site + "; its stage completes exceptionally: " + error, error);
    }
}
