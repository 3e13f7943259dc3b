package dev.bulwark.agent.policy;

import java.util.Arrays;

/**
 * The readings the {@link MillisecondClock} kept longer than it should have (its thread was not scheduled), and
 * for how long: a deadline counted from such a reading must wait that much longer. The last
 * {@value #REMEMBERED} exactly; older ones as the longest stall of their second of readings (2^30 ns), for
 * {@value #SUMMARISED_SECONDS} seconds (about 18 minutes, longer than any timeout waits in practice); older still,
 * as the longest stall ever forgotten. Not thread-safe: the clock guards it with its lock.
 */
final class Stalls {
    private static final int REMEMBERED = 128;
    private static final int SECOND_SHIFT = 30;
    private static final int SUMMARISED_SECONDS = 1024;
    private static final long NO_SECOND = Long.MIN_VALUE;

    /** Stalled readings, oldest first from {@code oldest}, and how long each stayed the reading. */
    private final long[] values = new long[REMEMBERED];
    private final long[] lengths = new long[REMEMBERED];
    private int oldest;
    private int count;
    /** Per second of readings ({@link #NO_SECOND} if none yet), the longest stall forgotten from it. */
    private final long[] summarisedSeconds = new long[SUMMARISED_SECONDS];
    private final long[] longestOfSecond = new long[SUMMARISED_SECONDS];
    private boolean forgotAny;
    private long newestForgottenValue;
    /** The newest second whose summary was overwritten, and the longest stall among all overwritten. */
    private long newestOverwrittenSecond = NO_SECOND;
    private long longestOverwritten;

    Stalls() {
        Arrays.fill(summarisedSeconds, NO_SECOND);
    }

    /** {@code value} stayed the clock's reading for {@code length} ns; values come in increasing order. */
    void record(long value, long length) {
        if (count == REMEMBERED) {
            forget(values[oldest], lengths[oldest]);
            oldest = (oldest + 1) % REMEMBERED;
            count--;
        }
        int index = (oldest + count) % REMEMBERED;
        values[index] = value;
        lengths[index] = length;
        count++;
    }

    /** How long {@code value} may have stayed the reading, as far as the record tells; 0 when it never stalled. */
    long longestAt(long value) {
        for (int i = 0; i < count; i++) {
            int index = (oldest + i) % REMEMBERED;
            if (values[index] == value) {
                return lengths[index];
            }
        }
        if (!forgotAny || value - newestForgottenValue > 0) {
            return 0;
        }
        long second = value >> SECOND_SHIFT;
        int index = (int) (second & (SUMMARISED_SECONDS - 1));
        if (summarisedSeconds[index] == second) {
            return longestOfSecond[index];
        }
        return newestOverwrittenSecond != NO_SECOND && second <= newestOverwrittenSecond ? longestOverwritten : 0;
    }

    private void forget(long value, long length) {
        long second = value >> SECOND_SHIFT;
        int index = (int) (second & (SUMMARISED_SECONDS - 1));
        if (summarisedSeconds[index] != second) {
            if (summarisedSeconds[index] != NO_SECOND) {
                newestOverwrittenSecond = Math.max(newestOverwrittenSecond, summarisedSeconds[index]);
                longestOverwritten = Math.max(longestOverwritten, longestOfSecond[index]);
            }
            summarisedSeconds[index] = second;
            longestOfSecond[index] = 0;
        }
        longestOfSecond[index] = Math.max(longestOfSecond[index], length);
        forgotAny = true;
        newestForgottenValue = value;
    }
}
