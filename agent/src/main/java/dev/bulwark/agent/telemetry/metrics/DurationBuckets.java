package dev.bulwark.agent.telemetry.metrics;

import java.util.Arrays;
import java.util.List;

/** The explicit bucket boundaries of {@code bulwark.call.duration}, in seconds as exported and in nanoseconds as counted. */
public final class DurationBuckets {
    /** Seconds: the SDK's default boundaries are meant for milliseconds. */
    public static final List<Double> SECONDS = Arrays.asList(
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);
    /** Bucket {@code i} holds durations up to {@code NANOS[i]} inclusive, as an explicit-bucket histogram does. */
    static final long[] NANOS = SECONDS.stream().mapToLong(seconds -> Math.round(seconds * 1e9)).toArray();
    /** The boundaries' buckets and the one above the last. */
    static final int COUNT = NANOS.length + 1;

    private DurationBuckets() {
    }

    static int of(long nanos) {
        int bucket = 0;
        while (bucket < NANOS.length && nanos > NANOS[bucket]) {
            bucket++;
        }
        return bucket;
    }

    /** The smallest duration of the bucket, in nanoseconds. */
    static long lowest(int bucket) {
        return bucket == 0 ? 0 : NANOS[bucket - 1] + 1;
    }

    /** The largest duration of the bucket, in nanoseconds. */
    static long highest(int bucket) {
        return bucket == NANOS.length ? Long.MAX_VALUE : NANOS[bucket];
    }
}
