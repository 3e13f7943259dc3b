package dev.bulwark.agent.cluster;

import dev.bulwark.agent.runtime.BulwarkLog;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Batch mode's permits of one limiter in one JVM: leased from Redis a few at a time and handed out here without a
 * round trip. Taking one is a read and an atomic decrement of the current lease. Once a lease is down to a quarter
 * it asks for the next in the background, so that callers at a steady rate never wait for Redis; a caller that
 * finds no permit waits for the lease on its way, or fetches one itself, within the timeout.
 *
 * <p>A lease is sized to what this JVM would take in {@link #HORIZON_NANOS} at its rate since the last lease, between
 * one permit and the limiter's {@code maxLease} (and growing at most twofold from one lease to the next), and the
 * permits this JVM holds unused never exceed {@code maxLease}: the next lease asks for no more than that minus what
 * is left. So, whatever the rate, the permits in use at once beyond the
 * limiter's own bound are at most {@code maxLease} per JVM; a lease also lapses when Redis says (the end of its
 * fixed window, or a period after it was granted), and unused permits lapse with it.
 *
 * <p>One fetch is on its way at a time; it runs on the given executor when asked ahead, on the caller otherwise.
 */
final class LeasedPermits {
    /** How far ahead a lease reaches at this JVM's recent rate. */
    static final long HORIZON_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Redis could not answer in time: the caller falls back per on-failure. */
    static final long FAILED = Long.MIN_VALUE;
    /** No permit was left for this caller though Redis has some: the caller asks Redis for its one permit. */
    static final long ASK_REDIS = Long.MIN_VALUE + 1;

    /** Asks Redis for up to {@code wanted} permits. */
    interface Source {
        /** @return Redis's answer, or null when it could not answer within the timeout from {@code startNanos} */
        Answer lease(int wanted, long startNanos);
    }

    /** What Redis granted: {@code permits} good for {@code micros}, or none and the wait for one. */
    static final class Answer {
        final int permits;
        final long micros;
        /** Leases carry their unused permits into the next one only in the same epoch (a fixed window's index). */
        final long epoch;

        Answer(int permits, long micros, long epoch) {
            this.permits = permits;
            this.micros = micros;
            this.epoch = epoch;
        }
    }

    private static final class Lease {
        final AtomicLong left;
        final int size;
        final long expiresAtNanos;
        final long grantedAtNanos;
        final long epoch;
        /** The take that leaves fewer than this asks for the next lease. */
        final long refillBelow;

        Lease(long permits, long expiresAtNanos, long grantedAtNanos, long epoch) {
            this.left = new AtomicLong(permits);
            this.size = (int) permits;
            this.expiresAtNanos = expiresAtNanos;
            this.grantedAtNanos = grantedAtNanos;
            this.epoch = epoch;
            this.refillBelow = (permits + 3) / 4;
        }

        boolean live(long nowNanos) {
            return nowNanos - expiresAtNanos < 0;
        }
    }

    private static final class Fetch {
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean failed;
    }

    private final Source source;
    private final Executor background;
    private final LongSupplier clock;
    private final int maxLease;
    private final long timeoutNanos;
    private volatile Lease current;
    /** Until when Redis said no permit is free (this JVM's clock); in the past otherwise. */
    private volatile long refusedUntilNanos;
    private final AtomicReference<Fetch> fetching = new AtomicReference<>();

    LeasedPermits(Source source, Executor background, LongSupplier clock, int maxLease, long timeoutNanos) {
        this.source = source;
        this.background = background;
        this.clock = clock;
        this.maxLease = Math.max(1, maxLease);
        this.timeoutNanos = timeoutNanos;
        long now = clock.getAsLong();
        this.current = new Lease(0, now, now, Long.MIN_VALUE);
        this.refusedUntilNanos = now;
    }

    /** A permit from the current lease, if it has one left: no waiting, no round trip. */
    boolean tryTake(long nowNanos) {
        Lease lease = current;
        if (!lease.live(nowNanos)) {
            return false;
        }
        long before = lease.left.getAndDecrement();
        if (before <= 0) {
            return false;
        }
        if (before == lease.refillBelow) {
            fetchAhead();
        }
        return true;
    }

    /**
     * A permit for a caller that found none in the lease: it waits for the lease on its way, or fetches one, within
     * the timeout counted from {@code startNanos} ({@link System#nanoTime()}).
     *
     * @return 0 when granted; minus the wait for the next free permit when Redis has none; {@link #FAILED} or
     *     {@link #ASK_REDIS}
     */
    long awaitPermit(long nowNanos, long startNanos) {
        long deadline = startNanos + timeoutNanos;
        for (int round = 0; round < 2; round++) {
            long refused = refusedUntilNanos - nowNanos;
            if (refused > 0) {
                return -refused;
            }
            Fetch fetch = fetching.get();
            if (fetch == null) {
                Fetch mine = new Fetch();
                if (fetching.compareAndSet(null, mine)) {
                    fetch(mine, startNanos);
                    fetch = mine;
                } else {
                    fetch = fetching.get();
                }
            }
            if (fetch != null && !await(fetch, deadline)) {
                return FAILED;
            }
            nowNanos = clock.getAsLong();
            if (tryTake(nowNanos)) {
                return 0L;
            }
        }
        return ASK_REDIS;
    }

    /** Permits this JVM holds unused now. */
    long held(long nowNanos) {
        Lease lease = current;
        return lease.live(nowNanos) ? Math.max(0, lease.left.get()) : 0;
    }

    private void fetchAhead() {
        Fetch fetch = new Fetch();
        if (!fetching.compareAndSet(null, fetch)) {
            return;
        }
        try {
            background.execute(() -> fetch(fetch, System.nanoTime()));
        } catch (RuntimeException rejected) {
            finish(fetch, true);
        }
    }

    private static boolean await(Fetch fetch, long deadline) {
        try {
            long left = deadline - System.nanoTime();
            return left > 0 && fetch.done.await(left, TimeUnit.NANOSECONDS) && !fetch.failed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void fetch(Fetch fetch, long startNanos) {
        boolean failed = true;
        try {
            long asked = clock.getAsLong();
            Lease old = current;
            long left = old.live(asked) ? Math.max(0, old.left.get()) : 0;
            long room = maxLease - left;
            if (room <= 0) {
                // A caller that found the lease empty came after the next lease filled it: asking would hold more
                // than maxLease here, and there is a permit for it to take already.
                failed = false;
                return;
            }
            int wanted = (int) Math.min(nextSize(old, left, asked), room);
            Answer answer = source.lease(wanted, startNanos);
            if (answer != null) {
                install(answer, asked);
                failed = false;
            }
        } catch (RuntimeException unexpected) {
            // An answer of a shape no script of ours gives: no lease, and the caller follows on-failure rather
            // than fail the application's call.
            BulwarkLog.errorOnce("cluster lease", "cluster scope: a lease from Redis could not be read: " + unexpected,
                    unexpected);
        } finally {
            finish(fetch, failed);
        }
    }

    /**
     * This JVM's rate since the last lease came, over the horizon: the permits it will want next. At most twice the
     * last lease, since a lease asked for ahead just after it came has seen too little to tell a rate.
     */
    private long nextSize(Lease old, long left, long nowNanos) {
        long used = old.size - left;
        long elapsed = Math.max(1, nowNanos - old.grantedAtNanos);
        double size = Math.ceil((double) used * HORIZON_NANOS / elapsed);
        return (long) Math.max(1, Math.min(Math.min(maxLease, 2L * Math.max(1, old.size)), size));
    }

    private void install(Answer answer, long askedNanos) {
        // Redis's clock ran past askedNanos before it answered: the lease lapses here no later than there.
        long until = askedNanos + TimeUnit.MICROSECONDS.toNanos(answer.micros);
        if (answer.permits <= 0) {
            refusedUntilNanos = until;
            return;
        }
        Lease old = current;
        // Emptied at once, so that no permit of it is handed out twice nor held beyond maxLease; what was left
        // goes on in the new lease if it is good as long (the same fixed window, say).
        long left = Math.max(0, old.left.getAndSet(0));
        long carried = old.epoch == answer.epoch && old.live(clock.getAsLong()) ? left : 0;
        refusedUntilNanos = askedNanos;
        current = new Lease(carried + answer.permits, until, clock.getAsLong(), answer.epoch);
    }

    private void finish(Fetch fetch, boolean failed) {
        fetch.failed = failed;
        fetching.compareAndSet(fetch, null);
        fetch.done.countDown();
    }
}
