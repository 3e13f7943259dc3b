package dev.bulwark.agent.telemetry.metrics;

import java.lang.ref.WeakReference;

/**
 * Which block of cells of every series a thread writes alone. A thread that records for the first time claims a
 * number of its own, one a thread held before it only once that thread has ended (so a series' block of that
 * number goes on from the counts the ended thread left, and a collection's sum over blocks stays exact); with
 * every number held by a live thread, it records into the series' shared cells, with compare-and-set.
 */
final class CellOwners {
    /** How many threads at once write cells of their own; the others share one block of atomic cells. */
    static final int OWNED = 64;
    /** The number of a thread that writes the shared cells. */
    static final int SHARED = -1;

    /**
     * Guarded by the class: the thread that holds each number, or null. Held weakly: an ended thread must not
     * keep its context class loader (an undeployed application's) reachable until its number is taken again.
     */
    @SuppressWarnings("unchecked")
    private static final WeakReference<Thread>[] HOLDERS = new WeakReference[OWNED];
    private static final ThreadLocal<int[]> NUMBER = ThreadLocal.withInitial(() -> new int[]{claim()});

    private CellOwners() {
    }

    /** The calling thread's number: its block in every series, or {@link #SHARED}. */
    static int current() {
        return NUMBER.get()[0];
    }

    /**
     * A number no live thread holds. That its last holder is seen ended ({@link Thread#isAlive}), or collected,
     * orders that thread's writes before the next holder's, which the lock hands on.
     */
    private static synchronized int claim() {
        for (int number = 0; number < OWNED; number++) {
            Thread holder = HOLDERS[number] == null ? null : HOLDERS[number].get();
            if (holder == null || !holder.isAlive()) {
                HOLDERS[number] = new WeakReference<>(Thread.currentThread());
                return number;
            }
        }
        return SHARED;
    }
}
