package dev.bulwark.agent.policy.circuitbreaker;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The outcomes of the last {@code seconds} seconds: a ring of one-second buckets keyed by the coarse
 * clock.
 *
 * <p>Summing the ring on every call would cost O(seconds); instead a {@link Frame} per second holds the
 * sum of the window's earlier buckets, computed once by whichever thread first sees that second, and the
 * call path adds only the current bucket to it. A bucket belongs to one second and is replaced (by CAS,
 * never zeroed in place), so a writer that is late by a whole lap writes into a discarded object instead
 * of corrupting a newer second.
 *
 * <p>Outcomes are recorded in the newest second seen so far, even when the caller's {@code nowNanos} is
 * a little older (the chain reads the clock once per call): the outcome arrives now, and the window's
 * earlier seconds stay immutable once summed. The one approximation: a writer still adding to the
 * previous second while another thread sums it for the next frame is missed by that frame's sum for the
 * rest of that second; it is in its bucket and counted again from the frame after.
 */
final class TimeWindow implements OutcomeWindow {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int seconds;
    private final TripCondition tripCondition;
    private final AtomicReferenceArray<SecondBucket> ring;
    private final AtomicReference<Frame> frame = new AtomicReference<>(Frame.BEFORE_FIRST_CALL);

    TimeWindow(int seconds, TripCondition tripCondition) {
        this.seconds = seconds;
        this.tripCondition = tripCondition;
        this.ring = new AtomicReferenceArray<>(seconds);
    }

    @Override
    public boolean recordAndCheck(boolean failed, boolean slow, long nowNanos) {
        Frame current = frameFor(secondOf(nowNanos));
        SecondBucket bucket = current.bucket;
        long calls = current.earlierCalls + bucket.addCall();
        long failedCalls = current.earlierFailed + (failed ? bucket.addFailed() : bucket.failed());
        long slowCalls = current.earlierSlow + (slow ? bucket.addSlow() : bucket.slow());
        return tripCondition.isMet(calls, failedCalls, slowCalls);
    }

    private Frame frameFor(long second) {
        while (true) {
            Frame current = frame.get();
            if (second <= current.second) {
                return current;
            }
            Frame next = newFrame(second);
            if (frame.compareAndSet(current, next)) {
                return next;
            }
        }
    }

    /** Every thread entering a second ends up with the same bucket: the first CAS installs it. */
    private SecondBucket bucketFor(long second) {
        int index = indexOf(second);
        while (true) {
            SecondBucket existing = ring.get(index);
            // A later second's bucket here means time jumped a whole lap past this second while we
            // were computing: share that bucket rather than roll the ring back.
            if (existing != null && existing.second >= second) {
                return existing;
            }
            SecondBucket fresh = new SecondBucket(second);
            if (ring.compareAndSet(index, existing, fresh)) {
                return fresh;
            }
        }
    }

    private Frame newFrame(long second) {
        SecondBucket bucket = bucketFor(second);
        long calls = 0;
        long failed = 0;
        long slow = 0;
        for (int i = 0; i < seconds; i++) {
            SecondBucket earlier = ring.get(i);
            if (earlier != null && earlier.second > second - seconds && earlier.second < second) {
                calls += earlier.calls();
                failed += earlier.failed();
                slow += earlier.slow();
            }
        }
        return new Frame(second, bucket, calls, failed, slow);
    }

    @Override
    public WindowCounts counts(long nowNanos) {
        long now = Math.max(secondOf(nowNanos), frame.get().second);
        long calls = 0;
        long failed = 0;
        long slow = 0;
        for (int i = 0; i < seconds; i++) {
            SecondBucket bucket = ring.get(i);
            if (bucket != null && bucket.second > now - seconds && bucket.second <= now) {
                calls += bucket.calls();
                failed += bucket.failed();
                slow += bucket.slow();
            }
        }
        return new WindowCounts(calls, failed, slow, tripCondition.minimumCalls);
    }

    private int indexOf(long second) {
        return (int) Math.floorMod(second, (long) seconds);
    }

    private static long secondOf(long nanos) {
        return Math.floorDiv(nanos, NANOS_PER_SECOND);
    }

    /** One second's view: its bucket plus the frozen sum of the window's earlier seconds. */
    private static final class Frame {
        static final Frame BEFORE_FIRST_CALL = new Frame(Long.MIN_VALUE, new SecondBucket(Long.MIN_VALUE), 0, 0, 0);

        final long second;
        final SecondBucket bucket;
        final long earlierCalls;
        final long earlierFailed;
        final long earlierSlow;

        Frame(long second, SecondBucket bucket, long earlierCalls, long earlierFailed, long earlierSlow) {
            this.second = second;
            this.bucket = bucket;
            this.earlierCalls = earlierCalls;
            this.earlierFailed = earlierFailed;
            this.earlierSlow = earlierSlow;
        }
    }
}
