package dev.bulwark.agent.runtime;

import java.util.function.Function;

/** Defined by a {@link ThrowAwayLoader}: an application's class on the stack of the thread that needs a Bulwark thread. */
public final class ApplicationThreadStarter implements Function<Runnable, Thread> {
    @Override
    public Thread apply(Runnable task) {
        return AgentThreads.start("bulwark-test", task);
    }
}
