package dev.bulwark.agent.policy.budget;

import dev.bulwark.agent.policy.NanoClock;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A named retry budget: each first attempt deposits {@code ratio} of a token, each retry withdraws one; a retry is
 * allowed while the balance is at least one token, or while fewer than {@code minPerSecond} retries were made in
 * the current second. Deposits and withdrawals count for {@code window}, rounded up to whole seconds.
 *
 * <p>The state is a ring of per-second slots, at least one per second of the window (a power of two of them, so
 * that finding a second's slot is a mask, not a division), each made of cells holding a packed {@code long}: the
 * second the cell counts (high 32 bits) and its first attempts or its retries (low 32 bits). A slot's first attempts
 * are striped over a few cells, one chosen by the calling thread's id, so that threads depositing at once add to
 * different cache lines instead of all bouncing one; each cell carries its own second, so a cell moves on to a
 * later second exactly as an unstriped slot would, independently of its neighbours, and a reader sums the cells
 * that count the seconds it reads. A first attempt, made on every call, is one atomic add to its second's cell:
 * only when the cell turns out to hold an older second (which has left the window, the ring being at least as
 * long) does a CAS start the new second in it. A cell found
 * holding a later second (this thread's clock read is stale) counts the deposit in that second. Nothing is
 * allocated, and no cell counts 2^32 first attempts. A retry is decided and counted by one CAS on its second's
 * retries: two retries of the same second are therefore serialized, each checked against the count the other
 * left, which keeps the bound exact within a second; only a thread whose clock read is a second behind can decide
 * on a slot another thread has already left.
 */
public final class RetryBudget {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    /**
     * Cells of first attempts per slot: twice the processors, so that the threads running at once, whose ids are
     * not consecutive in a long-lived pool, mostly add apart; at most eight, so that a retry, which reads them
     * all, stays cheap.
     */
    private static final int STRIPES =
            Math.min(8, Integer.highestOneBit(2 * Runtime.getRuntime().availableProcessors() - 1) * 2);
    /** Longs between cells that different threads write: two cache lines, as adjacent lines are fetched in pairs. */
    private static final int PAD = 16;

    private final RetryBudgetSpec spec;
    private final NanoClock clock;
    private final int seconds;
    /** The number of slots less one: a mask from a second to its slot. */
    private final int slotMask;
    private final int stripeMask;
    /** Longs from one region of {@link #counts} to the next: a slot per second and a padding. */
    private final int stride;
    /**
     * Regions of one cell per slot, each {@code second << 32 | count}, {@link #PAD} longs apart: region 0 the
     * retries, region 1 + s the first attempts of stripe s.
     */
    private final AtomicLongArray counts;
    /** Where a cluster-scoped budget is shared; null for one of this JVM alone. */
    private final SharedBudget shared;

    /** @param clock read once per deposit and per withdrawal; a millisecond clock is precise enough */
    public RetryBudget(RetryBudgetSpec spec, NanoClock clock) {
        this(spec, clock, null);
    }

    /**
     * A budget shared with other JVMs: {@code shared} decides each retry while it can; this budget still counts
     * this JVM's calls, for the balance it reports and for deciding when {@code on-failure = local}.
     */
    public RetryBudget(RetryBudgetSpec spec, NanoClock clock, SharedBudget shared) {
        this(spec, clock, shared, STRIPES);
    }

    /** @param stripes cells of first attempts per slot, a power of two */
    RetryBudget(RetryBudgetSpec spec, NanoClock clock, SharedBudget shared, int stripes) {
        this.spec = spec;
        this.clock = clock;
        this.shared = shared;
        this.seconds = (int) Math.max(1L, Math.min(1 << 29,
                (spec.windowNanos() + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND));
        this.slotMask = seconds == 1 ? 0 : Integer.highestOneBit(seconds - 1) * 2 - 1;
        this.stripeMask = stripes - 1;
        this.stride = slotMask + 1 + PAD;
        this.counts = new AtomicLongArray(PAD + (1 + stripes) * stride);
    }

    public String name() {
        return spec.name();
    }

    public RetryBudgetSpec spec() {
        return spec;
    }

    /** A first attempt: deposits {@code ratio} of a token. */
    public void deposit() {
        if (shared != null) {
            shared.deposit();
        }
        long second = second();
        int index = depositIndex(second, (int) Thread.currentThread().getId() & stripeMask);
        long before = counts.getAndIncrement(index);
        if (before == 0 ? (int) second == 0 : stampOf(before) - (int) second >= 0) {
            return;
        }
        startSecond(index, second);
    }

    /**
     * A deposit whose add found its cell holding an older second (or empty): that second has left the window, so
     * the one it added there counts for nothing; the cell now starts {@code second} with this deposit, unless
     * another thread started it meanwhile, whose count this one then joins.
     */
    private void startSecond(int index, long second) {
        for (;;) {
            long current = counts.get(index);
            long next = current != 0 && stampOf(current) - (int) second >= 0 ? current + 1 : incremented(current, second);
            if (counts.compareAndSet(index, current, next)) {
                return;
            }
        }
    }

    /** A retry wants to run: withdraws a token and returns true, or returns false when the budget refuses it. */
    public boolean tryWithdraw() {
        if (shared == null) {
            return tryWithdrawHere(false);
        }
        switch (shared.tryWithdraw()) {
            case SharedBudget.ALLOWED:
            case SharedBudget.UNKNOWN_ALLOW:
                tryWithdrawHere(true);
                return true;
            case SharedBudget.REFUSED:
            case SharedBudget.UNKNOWN_REJECT:
                return false;
            default:
                return tryWithdrawHere(false);
        }
    }

    /** Decides a retry here; with {@code decidedElsewhere}, only counts one the shared budget allowed. */
    private boolean tryWithdrawHere(boolean decidedElsewhere) {
        long second = second();
        for (;;) {
            int index = retryIndex(second);
            long current = counts.get(index);
            if (isLater(current, second)) {
                second = second();
                continue;
            }
            long retriesThisSecond = countIn(current, second);
            if (!decidedElsewhere && retriesThisSecond >= spec.minPerSecond()
                    && spec.ratio() * deposits(second) - retriesBefore(second) - retriesThisSecond < 1.0) {
                return false;
            }
            if (counts.compareAndSet(index, current, incremented(current, second))) {
                return true;
            }
        }
    }

    /** Tokens in the budget now: {@code ratio} × first attempts − retries, both within the window. */
    public double balance() {
        long second = second();
        return spec.ratio() * deposits(second) - retriesBefore(second)
                - countIn(counts.get(retryIndex(second)), second);
    }

    private long second() {
        return Math.floorDiv(clock.nanoTime(), NANOS_PER_SECOND);
    }

    private int retryIndex(long second) {
        return PAD + ((int) second & slotMask);
    }

    private int depositIndex(long second, int stripe) {
        return PAD + (1 + stripe) * stride + ((int) second & slotMask);
    }

    /** First attempts within the window ending with {@code second}, over every stripe. */
    private long deposits(long second) {
        long sum = 0;
        for (int back = 0; back < seconds; back++) {
            for (int stripe = 0; stripe <= stripeMask; stripe++) {
                sum += countIn(counts.get(depositIndex(second - back, stripe)), second - back);
            }
        }
        return sum;
    }

    /** Retries within the window ending with {@code second}, without those of {@code second} itself. */
    private long retriesBefore(long second) {
        long sum = 0;
        for (int back = 1; back < seconds; back++) {
            sum += countIn(counts.get(retryIndex(second - back)), second - back);
        }
        return sum;
    }

    /** The count of {@code packed} if it counts {@code second}, else 0: its slot holds another second. */
    private static long countIn(long packed, long second) {
        return stampOf(packed) == (int) second ? packed & COUNT_MASK : 0L;
    }

    private static int stampOf(long packed) {
        return (int) (packed >>> 32);
    }

    /** Whether the slot already counts a second after {@code second}: this thread's clock read is stale. */
    private static boolean isLater(long packed, long second) {
        return packed != 0 && stampOf(packed) - (int) second > 0;
    }

    /** One more in {@code second}, or the first of it when the slot held an older second; saturates. */
    private static long incremented(long packed, long second) {
        long count = countIn(packed, second);
        return ((long) (int) second << 32) | Math.min(count + 1, COUNT_MASK);
    }
}
