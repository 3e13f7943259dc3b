package dev.bulwark.agent.telemetry.metrics;

import java.lang.ref.WeakReference;

/**
 * Which block of cells of every series a thread writes alone. A thread that records for the first time claims a
 * number of its own, one a thread held before it only once that thread has ended (so a series' block of that
 * number goes on from the counts the ended thread left, and a collection's sum over blocks stays exact); with
 * every number held by a live thread, it records into the series' shared cells, with compare-and-set.
 *
 * <p>A thread claims its home number (its id modulo {@link #OWNED}) when it is free, and then finds it again with
 * a few plain loads at every record; a thread lookup ({@link ThreadLocal#get}) at each of a call's several records
 * would cost more than the counting itself. Only a thread whose home number another holds looks its number up.
 */
final class CellOwners {
    /** How many threads at once write cells of their own; the others share one block of atomic cells. */
    static final int OWNED = 64;
    /** The number of a thread that writes the shared cells. */
    static final int SHARED = -1;

    /**
     * Written under the class's lock: the thread that holds each number, or null. Held weakly: an ended thread must
     * not keep its context class loader (an undeployed application's) reachable until its number is taken again.
     * Read without the lock by {@link #current}, which only looks for the calling thread: a number's holder is
     * written by that thread itself, so it always sees its own holding.
     */
    @SuppressWarnings("unchecked")
    private static final WeakReference<Thread>[] HOLDERS = new WeakReference[OWNED];
    /** The number of a thread that holds another than its home one, or none. */
    private static final ThreadLocal<int[]> NUMBER = ThreadLocal.withInitial(() -> new int[]{claim()});

    private CellOwners() {
    }

    /** The calling thread's number: its block in every series, or {@link #SHARED}. */
    static int current() {
        Thread thread = Thread.currentThread();
        int home = home(thread);
        WeakReference<Thread> holder = HOLDERS[home];
        if (holder != null && holder.get() == thread) {
            return home;
        }
        return NUMBER.get()[0];
    }

    private static int home(Thread thread) {
        return home(id(thread));
    }

    /** The home number of the thread of id {@code threadId}. */
    static int home(long threadId) {
        return (int) threadId & (OWNED - 1);
    }

    /** The calling thread's id, which no other thread of this JVM ever had or will have. */
    static long currentThreadId() {
        return id(Thread.currentThread());
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; both return the same unique id
    private static long id(Thread thread) {
        return thread.getId();
    }

    /**
     * A number no live thread holds, the calling thread's home one first. That its last holder is seen ended
     * ({@link Thread#isAlive}), or collected, orders that thread's writes before the next holder's, which the lock
     * hands on.
     */
    private static synchronized int claim() {
        Thread thread = Thread.currentThread();
        int home = home(thread);
        for (int i = 0; i < OWNED; i++) {
            int number = (home + i) & (OWNED - 1);
            Thread holder = HOLDERS[number] == null ? null : HOLDERS[number].get();
            if (holder == null || !holder.isAlive()) {
                HOLDERS[number] = new WeakReference<>(thread);
                return number;
            }
        }
        return SHARED;
    }
}
