package dev.bulwark.agent.policy.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The timed frames open on one thread, and the one interrupt deadline the {@link Watchdog} may act on.
 *
 * <p>Only the owner thread calls {@link #enter}, {@link #exit} and {@link #currentDeadline}; the frame
 * stack is therefore plain fields. The watchdog and the owner meet only on {@code armed}, which holds the
 * interrupt deadline of the innermost frame, {@link #IDLE}, or a firing state. The watchdog may move it
 * only from the exact deadline it judged due to {@link #FIRING}, interrupt, then publish {@link #FIRED};
 * the owner leaves a frame with a compare-and-set from that frame's deadline, so a frame that won the
 * race can no longer be hit, and a frame that lost it waits for the interrupt to land before clearing it.
 */
public final class DeadlineSlot {
    /** No interrupt armed. Also the deadline of a timeout too long to matter, so such a frame arms nothing. */
    static final long IDLE = Long.MAX_VALUE;
    static final long FIRING = Long.MIN_VALUE;
    static final long FIRED = Long.MIN_VALUE + 1;
    static final long EARLIEST_DEADLINE = Long.MIN_VALUE + 2;
    private static final int NO_TIMED_OUT_FRAME = Integer.MAX_VALUE;
    private static final int INITIAL_FRAMES = 8;
    private static final int SPINS_BEFORE_YIELD = 64;

    private static final VarHandle ARMED;
    private static final VarHandle ENLISTED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ARMED = lookup.findVarHandle(DeadlineSlot.class, "armed", long.class);
            ENLISTED = lookup.findVarHandle(DeadlineSlot.class, "enlisted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread owner;
    private final Watchdog watchdog;

    private volatile long armed = IDLE;
    /** True while the slot sits in the watchdog's queue or list, so that it is enlisted at most once. */
    private volatile boolean enlisted;

    private long[] frameDeadlines = new long[INITIAL_FRAMES];
    /** Per frame, the interrupt deadline in force: its own if it interrupts, else its enclosing frame's. */
    private long[] frameInterruptDeadlines = new long[INITIAL_FRAMES];
    private int depth;
    /** Lowest open frame whose interrupt deadline has fired; every frame from there up reports a timeout. */
    private int timedOutFromFrame = NO_TIMED_OUT_FRAME;

    DeadlineSlot(Thread owner, Watchdog watchdog) {
        this.owner = owner;
        this.watchdog = watchdog;
    }

    /** Opens a frame timed {@code timeoutNanos} from {@code nowNanos} on the exact clock; see {@link #enterUntil}. */
    public long enter(long nowNanos, long timeoutNanos, boolean interrupt) {
        return enterUntil(DeadlineClock.exactDeadline(nowNanos, timeoutNanos), interrupt);
    }

    /**
     * Opens a timed frame ending at {@code ownDeadline} (from {@link DeadlineClock}) and returns its effective
     * deadline: the earlier of that and the enclosing frame's deadline. A frame that does not interrupt arms
     * nothing of its own, but an enclosing interrupting frame stays armed while it is open.
     */
    public long enterUntil(long ownDeadline, boolean interrupt) {
        long enclosingDeadline = depth == 0 ? IDLE : frameDeadlines[depth - 1];
        long enclosingInterrupt = depth == 0 ? IDLE : frameInterruptDeadlines[depth - 1];
        long deadline = Math.min(ownDeadline, enclosingDeadline);
        long interruptDeadline = interrupt ? deadline : enclosingInterrupt;
        if (interruptDeadline != enclosingInterrupt && !arm(enclosingInterrupt, interruptDeadline)) {
            // The enclosing deadline has just fired: this frame inherits that interrupt rather than hiding it.
            interruptDeadline = enclosingInterrupt;
        }
        push(deadline, interruptDeadline);
        return deadline;
    }

    /**
     * Closes the innermost frame. Returns true when the watchdog interrupted the owner for this frame, or for
     * an enclosing frame while this one was open; that interrupt has then been cleared, and the watchdog can
     * no longer interrupt the thread on this frame's behalf. The enclosing frame's deadline is armed again.
     */
    public boolean exit() {
        if (depth == 0) {
            throw new IllegalStateException("exit() without a matching enter()");
        }
        int frame = --depth;
        long own = frameInterruptDeadlines[frame];
        long enclosing = frame == 0 ? IDLE : frameInterruptDeadlines[frame - 1];
        boolean fired = own == enclosing ? isFiring(armed) : !ARMED.compareAndSet(this, own, enclosing);
        if (fired) {
            clearLandedInterrupt();
            timedOutFromFrame = Math.min(timedOutFromFrame, lowestFrameArmedWith(own, frame));
            armed = enclosing;
        }
        if ((fired || own != enclosing) && isDeadline(enclosing)) {
            watchdog.armed(this, enclosing);
        }
        boolean timedOut = frame >= timedOutFromFrame;
        if (frame <= timedOutFromFrame) {
            timedOutFromFrame = NO_TIMED_OUT_FRAME;
        }
        return timedOut;
    }

    /** The effective deadline of the innermost open frame, or {@link Long#MAX_VALUE} when none is open. */
    public long currentDeadline() {
        return depth == 0 ? Long.MAX_VALUE : frameDeadlines[depth - 1];
    }

    long armedDeadline() {
        return armed;
    }

    /** Watchdog side: interrupts the owner if {@code deadline} is still the armed one. */
    void fire(long deadline) {
        if (ARMED.compareAndSet(this, deadline, FIRING)) {
            try {
                owner.interrupt();
            } finally {
                armed = FIRED;
            }
        }
    }

    boolean tryEnlist() {
        return !enlisted && ENLISTED.compareAndSet(this, false, true);
    }

    /**
     * Watchdog side: lets go of a slot with nothing armed. Returns false when the owner armed a deadline
     * meanwhile and the watchdog must keep watching it. Clearing the flag before reading {@code armed} pairs
     * with the owner writing {@code armed} before reading the flag: one of the two always sees the other, so
     * an armed slot is never left unwatched.
     */
    boolean release() {
        enlisted = false;
        return !isDeadline(armed) || !ENLISTED.compareAndSet(this, false, true);
    }

    static boolean isDeadline(long value) {
        return value != IDLE && value > FIRED;
    }

    private static boolean isFiring(long value) {
        return value == FIRING || value == FIRED;
    }

    private boolean arm(long expected, long deadline) {
        if (expected == IDLE) {
            // With nothing armed the watchdog has nothing to race against: a volatile write is enough.
            armed = deadline;
        } else if (!ARMED.compareAndSet(this, expected, deadline)) {
            return false;
        }
        watchdog.armed(this, deadline);
        return true;
    }

    /** The interrupt happens before FIRED is published, so once FIRED is seen the flag is set and can be cleared. */
    private void clearLandedInterrupt() {
        int spins = 0;
        while (armed == FIRING) {
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Thread.interrupted();
    }

    private int lowestFrameArmedWith(long interruptDeadline, int frame) {
        int lowest = frame;
        while (lowest > 0 && frameInterruptDeadlines[lowest - 1] == interruptDeadline) {
            lowest--;
        }
        return lowest;
    }

    private void push(long deadline, long interruptDeadline) {
        if (depth == frameDeadlines.length) {
            frameDeadlines = Arrays.copyOf(frameDeadlines, depth * 2);
            frameInterruptDeadlines = Arrays.copyOf(frameInterruptDeadlines, depth * 2);
        }
        frameDeadlines[depth] = deadline;
        frameInterruptDeadlines[depth] = interruptDeadline;
        depth++;
    }
}
