package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.timeout.DeadlineSlot;
import dev.bulwark.agent.policy.timeout.Watchdog;

import java.util.Arrays;

/**
 * One thread's protected invocations, innermost last. Frames are reused, so a woven call allocates nothing
 * once its thread has reached its deepest nesting.
 */
final class CallStack {
    private Call[] frames = new Call[4];
    private int depth;
    private DeadlineSlot deadlines;
    static final int NO_SITE = -1;

    /**
     * The asynchronous site whose next woven call on this thread is Bulwark's own re-invocation of its body. A
     * site id, not a chain: a reload replaces the chain while an invocation started with the old one retries.
     */
    int bypassSite = NO_SITE;

    Call push(SiteChain chain) {
        Call call = next();
        call.begin(chain);
        return call;
    }

    /** A frame for a counted call of a shared site, which holds only its start (see {@link Call#beginShared}). */
    Call pushShared(SiteChain chain, Object observation, long startNanos) {
        Call call = next();
        call.beginShared(chain, observation, startNanos);
        return call;
    }

    private Call next() {
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
        }
        Call call = frames[depth];
        if (call == null) {
            call = new Call(this, depth);
            frames[depth] = call;
        }
        depth++;
        return call;
    }

    /** Ends {@code call} and anything a failure left open above it. */
    void pop(Call call) {
        call.site = null;
        call.rateKey = null;
        call.observation = null;
        depth = call.depth;
    }

    DeadlineSlot deadlines(Watchdog watchdog) {
        DeadlineSlot slot = deadlines;
        if (slot == null) {
            slot = watchdog.newSlot(Thread.currentThread());
            deadlines = slot;
        }
        return slot;
    }

    /** The deadline of the innermost open timeout on this thread, for a retry that must not sleep past it. */
    long enclosingDeadline() {
        return deadlines == null ? Long.MAX_VALUE : deadlines.currentDeadline();
    }

    /** The site of the innermost open timeout on this thread, named by a timeout it imposes on an inner call. */
    String enclosingTimeoutSite() {
        for (int frame = depth - 1; frame >= 0; frame--) {
            Call call = frames[frame];
            if (call.timed && call.site != null) {
                return call.site.name;
            }
        }
        return null;
    }
}
