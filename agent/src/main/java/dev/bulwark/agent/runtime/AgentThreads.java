package dev.bulwark.agent.runtime;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread Bulwark starts: a daemon, so it never keeps the application's JVM alive, and one that inherits
 * nothing from the application thread that happened to need it first. A thread outlives that thread's
 * application in an application server, and anything it took from there would keep a redeployed application's
 * class loader, every class it loaded and every static of them, for the life of the JVM. So a Bulwark thread
 *
 * <ul>
 *   <li>has no context class loader (a new thread takes its creator's);</li>
 *   <li>has no inherited thread locals (an application's {@code InheritableThreadLocal} values);</li>
 *   <li>is created inside a privileged action, so on JDKs that still capture an access-control context for each
 *       new thread (up to 23) that context holds only Bulwark's own protection domains, not those of the
 *       application's classes on the creating stack, each of which holds its class loader;</li>
 *   <li>belongs to the JVM's root thread group, never to a group the application made.</li>
 * </ul>
 */
public final class AgentThreads {
    private static final ThreadGroup ROOT = root();

    private AgentThreads() {
    }

    /** A new daemon thread named {@code name}, not yet started. */
    @SuppressWarnings("removal")
    public static Thread newThread(String name, Runnable task) {
        return AccessController.doPrivileged((PrivilegedAction<Thread>) () -> create(name, task));
    }

    /** Starts {@link #newThread a new thread}. */
    public static Thread start(String name, Runnable task) {
        Thread thread = newThread(name, task);
        thread.start();
        return thread;
    }

    /** A factory of such threads named {@code prefix-1}, {@code prefix-2}, ..., for executors. */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> newThread(prefix + "-" + count.incrementAndGet(), task);
    }

    private static Thread create(String name, Runnable task) {
        Thread thread = new Thread(ROOT, task, name, 0, false);
        thread.setDaemon(true);
        // A new thread takes its creator's priority; an application may have lowered its own.
        thread.setPriority(Thread.NORM_PRIORITY);
        thread.setContextClassLoader(null);
        return thread;
    }

    private static ThreadGroup root() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group.getParent() != null) {
            group = group.getParent();
        }
        return group;
    }
}
