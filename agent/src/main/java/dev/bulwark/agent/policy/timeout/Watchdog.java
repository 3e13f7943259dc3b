package dev.bulwark.agent.policy.timeout;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.runtime.AgentThreads;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * The one thread that interrupts callers whose deadline has passed, so that a timed call costs no timer
 * task, no thread and no allocation.
 *
 * <p>Owners hand their {@link DeadlineSlot} over through a lock-free queue when they arm a deadline, and
 * the watchdog keeps a slot only while something is armed in it: an idle slot is dropped, so a thread that
 * ends is never kept alive by the watchdog. The watchdog sleeps until the earliest deadline it knows of, or
 * without bound when none is armed; an owner arming an earlier deadline wakes it.
 */
public final class Watchdog {
    static final String THREAD_NAME = "bulwark-watchdog";
    private static final int QUEUE_CHUNK_SIZE = 64;

    private final NanoClock clock;
    private final DeadlineClock deadlines;
    private final MpscUnboundedAtomicArrayQueue<DeadlineSlot> enlisting = new MpscUnboundedAtomicArrayQueue<>(QUEUE_CHUNK_SIZE);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean running = true;
    /**
     * When the watchdog will look at its slots again. {@link Long#MAX_VALUE} while it scans or sleeps
     * without bound, so that any owner arming a deadline then wakes it; an owner arming after the scan read
     * its slot reads the planned time written after that scan, and wakes the watchdog if it armed earlier.
     */
    private volatile long plannedWakeUp = Long.MAX_VALUE;

    /** A watchdog for deadlines counted from the exact clock only. */
    public Watchdog(NanoClock clock) {
        this(clock, DeadlineClock.EXACT);
    }

    /** @param deadlines where the deadlines it watches were counted from, to tell when a rough one is really due */
    public Watchdog(NanoClock clock, DeadlineClock deadlines) {
        this.clock = clock;
        this.deadlines = deadlines;
    }

    /** A slot for {@code owner}; keep one per thread, since only its owner may open and close frames in it. */
    public DeadlineSlot newSlot(Thread owner) {
        return new DeadlineSlot(owner, this);
    }

    /** Stops the watchdog thread; deadlines armed from now on are tracked but never interrupt. */
    public void shutdown() {
        running = false;
        LockSupport.unpark(thread);
    }

    /** Called by an owner right after it armed {@code deadline} in {@code slot}. */
    void armed(DeadlineSlot slot, long deadline) {
        if (slot.tryEnlist() && running) {
            enlisting.offer(slot);
            startOnce();
        }
        if (deadline < plannedWakeUp) {
            LockSupport.unpark(thread);
        }
    }

    Thread thread() {
        return thread;
    }

    private void startOnce() {
        if (started.get() || !started.compareAndSet(false, true)) {
            return;
        }
        Thread watchdogThread = AgentThreads.newThread(THREAD_NAME, this::watch);
        thread = watchdogThread;
        watchdogThread.start();
    }

    private void watch() {
        ArrayList<DeadlineSlot> watched = new ArrayList<>();
        while (running) {
            plannedWakeUp = Long.MAX_VALUE;
            // Time first, then the queue: every slot enlisted before this instant takes part in this pass.
            long now = clock.nanoTime();
            drainEnlisted(watched);
            long earliest = scan(watched, now);
            plannedWakeUp = earliest;
            if (earliest == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, earliest - now);
            }
        }
    }

    private void drainEnlisted(ArrayList<DeadlineSlot> watched) {
        DeadlineSlot slot;
        while ((slot = enlisting.poll()) != null) {
            watched.add(slot);
        }
    }

    /** Fires every due deadline, drops idle slots, and returns when the earliest deadline still armed comes due. */
    private long scan(ArrayList<DeadlineSlot> watched, long now) {
        long earliest = Long.MAX_VALUE;
        int i = 0;
        while (i < watched.size()) {
            DeadlineSlot slot = watched.get(i);
            long deadline = slot.armedDeadline();
            // a deadline only reached is checked against how it was counted, which may put it off
            long due = DeadlineSlot.isDeadline(deadline) && deadline <= now ? deadlines.dueAt(deadline) : deadline;
            if (DeadlineSlot.isDeadline(deadline) && due <= now) {
                slot.fire(deadline);
                deadline = slot.armedDeadline();
                due = deadline;
            }
            if (DeadlineSlot.isDeadline(deadline)) {
                earliest = Math.min(earliest, due);
                i++;
            } else if (slot.release()) {
                int last = watched.size() - 1;
                watched.set(i, watched.get(last));
                watched.remove(last);
            }
            // else the owner armed it again meanwhile: look at the same slot once more.
        }
        return earliest;
    }
}
