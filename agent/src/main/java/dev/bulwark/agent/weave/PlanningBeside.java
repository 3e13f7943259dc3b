package dev.bulwark.agent.weave;

import dev.bulwark.agent.runtime.AgentThreads;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Plans the sites of classes defined from the cache on a thread of the agent's, in the order they were defined,
 * while the application goes on starting: planning the first of them loads Byte Buddy's type descriptions cold,
 * and each takes Typesafe Config through every policy of the class, which at the first call of each protected
 * method would all be the starting thread's to wait for. A first call that comes before its class's turn plans
 * it itself ({@link PendingClassSites} plans once, whoever comes first, and the other waits), so a call sees
 * what it saw when planning waited for it; the thread ends once it has had nothing to plan for a while.
 */
final class PlanningBeside {
    private static final long IDLE_SECONDS = 5;

    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), AgentThreads.factory("bulwark-planner"));

    PlanningBeside() {
        thread.allowCoreThreadTimeOut(true);
    }

    void plan(PendingClassSites sites) {
        try {
            thread.execute(sites);
        } catch (RejectedExecutionException e) {
            // Not planned beside: its first call plans it, as it would anyway.
        }
    }
}
