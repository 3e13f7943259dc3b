package dev.bulwark.agent.policy.bulkhead;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.adaptive.AdaptiveLimit;
import dev.bulwark.agent.policy.adaptive.LimitAlgorithm;
import dev.bulwark.annotations.BulkheadType;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A semaphore bulkhead whose limit may move (ADAPTIVE) and whose slots may be split into priority partitions.
 *
 * <p>Admission is one CAS on the count of calls in flight, taken only while that count is below the current
 * limit, so the bulkhead never admits past its limit; a limit that falls below the calls already running lets no
 * new call in until enough of them end. Partitions do not split the count: each partition is guaranteed its share
 * of the limit, and a partition past its share borrows only what is left after every other active partition's
 * unused guarantee (active: a call of it arrived within {@link #ACTIVE_NANOS}). So under overload the partitions
 * past their share, which the smallest reaches first, are refused, while one still within its share gets a slot
 * as soon as one frees. The per-partition counts are read without a lock: two racing admissions may both borrow
 * the last unreserved slot, which costs a guarantee one slot for one call's time, never the limit.
 *
 * <p>A caller that waits parks in its partition's queue; every release wakes one waiter of each partition, which
 * tries again.
 */
public final class LimitBulkhead {
    /** How long after its last call a partition still holds its guarantee against borrowers. */
    static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The most partitions a bulkhead may have; each is a pair of series of {@code bulwark.bulkhead.calls}. */
    public static final int MAX_PARTITIONS = 8;

    private final AdaptiveLimit adaptive;
    private final int fixedLimit;
    private final NanoClock clock;
    private final String[] partitionNames;
    private final double[] shares;
    private final Map<String, Integer> partitionIndex = new HashMap<>();
    private final int smallest;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicIntegerArray inFlight;
    private final AtomicLongArray lastArrival;
    private final Gate[] gates;

    public LimitBulkhead(BulkheadSpec spec) {
        this(spec, NanoClock.SYSTEM);
    }

    public LimitBulkhead(BulkheadSpec spec, NanoClock clock) {
        this.clock = clock;
        if (spec.type() == BulkheadType.ADAPTIVE) {
            this.adaptive = new AdaptiveLimit(LimitAlgorithm.named(spec.limitAlgorithm()), spec.initialLimit(),
                    spec.minLimit(), spec.maxLimit(), clock.nanoTime());
            this.fixedLimit = 0;
        } else {
            if (spec.maxConcurrent() < 1) {
                throw new IllegalArgumentException("bulkhead '" + spec.name() + "': maxConcurrent must be at least 1, was "
                        + spec.maxConcurrent());
            }
            this.adaptive = null;
            this.fixedLimit = spec.maxConcurrent();
        }
        Map<String, Double> configured = spec.partitioned() ? spec.partitions() : Map.of("", 1.0);
        int count = configured.size();
        if (count > MAX_PARTITIONS) {
            throw new IllegalArgumentException("bulkhead '" + spec.name() + "': at most " + MAX_PARTITIONS
                    + " partitions, were " + count);
        }
        this.partitionNames = new String[count];
        this.shares = new double[count];
        double sum = configured.values().stream().mapToDouble(Double::doubleValue).sum();
        if (!(sum > 0)) {
            throw new IllegalArgumentException("bulkhead '" + spec.name() + "': the partitions' shares must add up to"
                    + " more than 0, were " + configured);
        }
        int i = 0;
        int least = 0;
        for (Map.Entry<String, Double> partition : configured.entrySet()) {
            partitionNames[i] = partition.getKey();
            shares[i] = partition.getValue() / sum;
            partitionIndex.put(partition.getKey().toLowerCase(Locale.ROOT), i);
            if (shares[i] < shares[least]) {
                least = i;
            }
            i++;
        }
        this.smallest = least;
        this.inFlight = new AtomicIntegerArray(count);
        this.lastArrival = new AtomicLongArray(count);
        long longAgo = clock.nanoTime() - ACTIVE_NANOS;
        for (int p = 0; p < count; p++) {
            lastArrival.set(p, longAgo);
        }
        this.gates = new Gate[count];
        for (int p = 0; p < count; p++) {
            gates[p] = new Gate(p);
        }
    }

    /** The partition a call whose partition value is {@code value} goes to; one that names none goes to the smallest. */
    public int partitionOf(Object value) {
        if (partitionNames.length == 1 || value == null) {
            return smallest;
        }
        Integer index = partitionIndex.get(String.valueOf(value).toLowerCase(Locale.ROOT));
        return index == null ? smallest : index;
    }

    /** The partitions' names, by index; one empty name when the bulkhead is not partitioned. */
    public String[] partitionNames() {
        return partitionNames.clone();
    }

    /** Each partition's share of the limit, normalised to add up to 1, by index. */
    public double share(int partition) {
        return shares[partition];
    }

    /** Takes a slot for a call of {@code partition} if one may be had now. */
    public boolean tryAcquire(int partition) {
        long now = shares.length == 1 ? 0L : clock.nanoTime();
        if (shares.length > 1) {
            lastArrival.set(partition, now);
        }
        return admit(partition, now);
    }

    /**
     * Waits up to {@code maxWaitNanos} (parked, not spinning) for a slot of {@code partition}.
     *
     * @return false when no slot came in time
     * @throws InterruptedException when the thread is interrupted before or while waiting
     */
    public boolean acquire(int partition, long maxWaitNanos) throws InterruptedException {
        return tryAcquire(partition) || gates[partition].tryAcquireSharedNanos(partition, Math.max(0L, maxWaitNanos));
    }

    private boolean admit(int partition, long now) {
        for (;;) {
            int running = total.get();
            int limit = limit();
            if (running >= limit || !mayTake(partition, running, limit, now)) {
                return false;
            }
            if (total.compareAndSet(running, running + 1)) {
                inFlight.incrementAndGet(partition);
                if (adaptive != null) {
                    adaptive.admitted(running + 1);
                }
                return true;
            }
        }
    }

    /** Within its share a partition takes any free slot; past it, only one no active partition is owed. */
    private boolean mayTake(int partition, int running, int limit, long now) {
        if (shares.length == 1 || inFlight.get(partition) < shares[partition] * limit) {
            return true;
        }
        double owed = 0;
        for (int other = 0; other < shares.length; other++) {
            if (other != partition && now - lastArrival.get(other) < ACTIVE_NANOS) {
                owed += Math.max(0, shares[other] * limit - inFlight.get(other));
            }
        }
        return running + 1 + owed <= limit;
    }

    /**
     * Gives back a slot of {@code partition} taken at {@code startNanos} (this bulkhead's {@link #nanoTime()});
     * {@code dropped} when its call ran past its timeout. An adaptive limit learns from the call's round trip.
     */
    public void release(int partition, long startNanos, boolean dropped) {
        if (total.decrementAndGet() < 0) {
            total.incrementAndGet();
            throw releasedTooOften();
        }
        inFlight.decrementAndGet(partition);
        if (adaptive != null) {
            long now = clock.nanoTime();
            adaptive.completed(now - startNanos, dropped, now);
        }
        for (Gate gate : gates) {
            if (gate.hasQueuedThreads()) {
                gate.releaseShared(0);
            }
        }
    }

    /** The time a slot is taken at, for {@link #release}; 0 when nothing learns from round trips. */
    public long nanoTime() {
        return adaptive == null ? 0L : clock.nanoTime();
    }

    /** The current limit: the fixed {@code maxConcurrent}, or where the adaptive limit stands. */
    public int limit() {
        return adaptive != null ? adaptive.limit() : fixedLimit;
    }

    /** Bodies running now. */
    public int active() {
        return total.get();
    }

    /** Bodies of {@code partition} running now. */
    public int active(int partition) {
        return inFlight.get(partition);
    }

    public boolean adaptive() {
        return adaptive != null;
    }

    private static IllegalStateException releasedTooOften() {
        return new IllegalStateException("bulkhead released more often than acquired");
    }

    /** Where the callers of one partition park; its state is unused, admission is the bulkhead's. */
    private final class Gate extends AbstractQueuedSynchronizer {
        private static final long serialVersionUID = 1L;

        private final int partition;

        Gate(int partition) {
            this.partition = partition;
        }

        @Override
        protected int tryAcquireShared(int ignored) {
            long now = shares.length == 1 ? 0L : clock.nanoTime();
            return admit(partition, now) ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(int ignored) {
            return true;
        }
    }
}
