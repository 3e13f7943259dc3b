package dev.bulwark.agent.runtime;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class AgentThreadsTest {
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void aThreadStartedByAnApplicationKeepsNothingOfIt() throws Exception {
        Thread[] started = new Thread[1];
        WeakReference<ClassLoader> application = startFromApplication(started);
        try {
            assertThat(ThrowAwayLoader.collected(application))
                    .as("the application's loader is collected while the thread it started runs").isTrue();
            assertThat(started[0].isAlive()).isTrue();
            assertThat(started[0].getContextClassLoader()).isNull();
            assertThat(started[0].isDaemon()).isTrue();
            assertThat(started[0].getThreadGroup().getParent()).as("the JVM's root thread group").isNull();
        } finally {
            release.countDown();
        }
    }

    /**
     * Starts a thread from a class of a throw-away loader, on a thread whose context class loader is that loader,
     * inside an inheritable thread local of the application's: every way a new thread inherits from its creator.
     */
    @SuppressWarnings("unchecked")
    private WeakReference<ClassLoader> startFromApplication(Thread[] started) throws Exception {
        ClassLoader application = new ThrowAwayLoader(ApplicationThreadStarter.class.getName());
        Function<Runnable, Thread> starter = (Function<Runnable, Thread>) application
                .loadClass(ApplicationThreadStarter.class.getName()).getConstructor().newInstance();
        InheritableThreadLocal<Object> applicationValue = new InheritableThreadLocal<>();
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        self.setContextClassLoader(application);
        applicationValue.set(starter);
        try {
            started[0] = starter.apply(this::awaitRelease);
        } finally {
            applicationValue.remove();
            self.setContextClassLoader(before);
        }
        return new WeakReference<>(application);
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
