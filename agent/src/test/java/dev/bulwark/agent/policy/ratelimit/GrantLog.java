package dev.bulwark.agent.policy.ratelimit;

import java.util.Arrays;

/** Checks the times at which a limiter let calls proceed against the envelope its algorithm promises. */
final class GrantLog {
    private GrantLog() {
    }

    /** Any window of length {@code period} (start inclusive, end exclusive) holds at most {@code permits}. */
    static void assertAtMostPermitsInAnyWindow(long[] proceedTimes, int permits, long period) {
        long[] sorted = sorted(proceedTimes);
        for (int i = 0; i + permits < sorted.length; i++) {
            if (sorted[i + permits] - sorted[i] < period) {
                throw new AssertionError((permits + 1) + " grants within " + period + "ns, from " + sorted[i]);
            }
        }
    }

    /** Each aligned window [k * period, (k + 1) * period) holds at most {@code permits}. */
    static void assertAtMostPermitsPerAlignedWindow(long[] proceedTimes, int permits, long period) {
        long[] sorted = sorted(proceedTimes);
        int inWindow = 0;
        for (int i = 0; i < sorted.length; i++) {
            boolean sameWindow = i > 0 && Math.floorDiv(sorted[i], period) == Math.floorDiv(sorted[i - 1], period);
            inWindow = sameWindow ? inWindow + 1 : 1;
            if (inWindow > permits) {
                throw new AssertionError(inWindow + " grants in the window of " + sorted[i]);
            }
        }
    }

    /**
     * The token bucket's envelope: an interval of length {@code d} holds at most {@code permits + d * permits /
     * period} grants - the burst plus the refill. Checked for every grant and every interval holding up to three
     * bursts' worth, which covers the one-period case ({@code 2 * permits - 1}) and the sustained rate.
     */
    static void assertWithinTokenBucketEnvelope(long[] proceedTimes, int permits, long period) {
        long[] sorted = sorted(proceedTimes);
        for (int i = 0; i < sorted.length; i++) {
            for (int extra = 0; extra <= 2 * permits && i + permits + extra < sorted.length; extra++) {
                long span = sorted[i + permits + extra] - sorted[i];
                if ((double) span * permits < (double) (extra + 1) * period) {
                    throw new AssertionError((permits + extra + 1) + " grants within " + span + "ns, from "
                            + sorted[i]);
                }
            }
        }
    }

    private static long[] sorted(long[] times) {
        long[] copy = times.clone();
        Arrays.sort(copy);
        return copy;
    }
}
