package dev.bulwark.agent.policy.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.policy.NanoClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many threads end their calls right at their deadlines, where the watchdog's decision to interrupt and
 * the owner's exit race. Whatever the interleaving, an interrupt must never be left on, or land on, a
 * thread after its call returned, and exit() must report every interrupt it absorbed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WatchdogHandshakeStressTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 2_000;
    private static final long MIN_TIMEOUT_NANOS = 50_000L;
    private static final int TIMEOUT_SPREAD_NANOS = 150_000;
    private static final int JITTER_NANOS = 30_000;
    private static final int DUE_CALLS_PER_THREAD = 100_000;
    private static final long DUE_CALLS_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final int DUE_SPREAD_NANOS = 2_000;
    private static final long POLL_NANOS = 100_000L;

    private final Watchdog watchdog = new Watchdog(NanoClock.SYSTEM);
    private final CountDownLatch start = new CountDownLatch(1);
    private final CountDownLatch callsDone = new CountDownLatch(THREADS);
    private final CountDownLatch watchdogIdle = new CountDownLatch(1);
    private final AtomicLong reportedTimeouts = new AtomicLong();
    private final AtomicLong reportedCompletions = new AtomicLong();
    private final AtomicInteger interruptedAfterExit = new AtomicInteger();
    private final AtomicInteger unreportedInterrupts = new AtomicInteger();
    private final AtomicInteger interruptedLater = new AtomicInteger();

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdown();
    }

    @Test
    void noInterruptOutlivesItsCall() throws InterruptedException {
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            long seed = i;
            Thread caller = new Thread(() -> runCalls(new SplittableRandom(seed)), "stress-caller-" + i);
            callers.add(caller);
            caller.start();
        }
        start.countDown();
        callsDone.await();
        // Once the watchdog sleeps without bound it has nothing armed, so no interrupt can still be on its way.
        Waiting.untilState(watchdog.thread(), Thread.State.WAITING);
        watchdogIdle.countDown();
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(interruptedAfterExit).as("calls that returned with the thread interrupted").hasValue(0);
        assertThat(unreportedInterrupts).as("interrupted bodies whose exit() reported no timeout").hasValue(0);
        assertThat(interruptedLater).as("threads interrupted after their last call").hasValue(0);
        assertThat(reportedTimeouts.get()).as("exit() == true").isPositive();
        assertThat(reportedCompletions.get()).as("exit() == false").isPositive();
        assertThat(reportedTimeouts.get() + reportedCompletions.get()).isEqualTo((long) THREADS * CALLS_PER_THREAD);
    }

    /**
     * Calls that are due the moment they start keep the watchdog firing without pause, so its decisions
     * land at every point of enter() and exit(), including between any read and write a broken handshake
     * would make.
     */
    @Test
    void noInterruptOutlivesCallsThatAreDueAtOnce() throws InterruptedException {
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            long seed = i;
            Thread caller = new Thread(() -> runDueCalls(new SplittableRandom(seed)), "storm-caller-" + i);
            callers.add(caller);
            caller.start();
        }
        start.countDown();
        callsDone.await();
        Waiting.untilState(watchdog.thread(), Thread.State.WAITING);
        watchdogIdle.countDown();
        for (Thread caller : callers) {
            caller.join();
        }

        assertThat(interruptedAfterExit).as("calls that returned with the thread interrupted").hasValue(0);
        assertThat(interruptedLater).as("threads interrupted after their last call").hasValue(0);
        assertThat(reportedTimeouts.get()).as("exit() == true").isPositive();
        assertThat(reportedCompletions.get()).as("exit() == false").isPositive();
    }

    private void runDueCalls(SplittableRandom random) {
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        awaitUninterruptibly(start);
        // A busy machine gets fewer calls, not a slower test: every call checks the same invariant.
        long stopAt = System.nanoTime() + DUE_CALLS_BUDGET_NANOS;
        for (int call = 0; call < DUE_CALLS_PER_THREAD && System.nanoTime() < stopAt; call++) {
            long calledAt = System.nanoTime();
            slot.enter(calledAt, random.nextInt(DUE_SPREAD_NANOS), true);
            busyWaitUntil(calledAt + random.nextInt(DUE_SPREAD_NANOS));
            boolean timedOut = slot.exit();
            // Give an interrupt decided too late the time to land where it must not: after the call.
            busyWaitUntil(System.nanoTime() + random.nextInt(DUE_SPREAD_NANOS));
            if (Thread.interrupted()) {
                interruptedAfterExit.incrementAndGet();
            }
            (timedOut ? reportedTimeouts : reportedCompletions).incrementAndGet();
        }
        callsDone.countDown();
        awaitUninterruptibly(watchdogIdle);
        if (Thread.currentThread().isInterrupted()) {
            interruptedLater.incrementAndGet();
        }
    }

    private void runCalls(SplittableRandom random) {
        DeadlineSlot slot = watchdog.newSlot(Thread.currentThread());
        awaitUninterruptibly(start);
        for (int call = 0; call < CALLS_PER_THREAD; call++) {
            long deadline = slot.enter(System.nanoTime(), timeout(random), true);
            boolean bodySawInterrupt = runBody(slot, deadline, random);
            boolean timedOut = slot.exit();
            if (Thread.interrupted()) {
                interruptedAfterExit.incrementAndGet();
            }
            if (bodySawInterrupt && !timedOut) {
                unreportedInterrupts.incrementAndGet();
            }
            (timedOut ? reportedTimeouts : reportedCompletions).incrementAndGet();
        }
        callsDone.countDown();
        awaitUninterruptibly(watchdogIdle);
        if (Thread.currentThread().isInterrupted()) {
            interruptedLater.incrementAndGet();
        }
    }

    /** Returns whether the body waited for and saw the interrupt, which exit() must then report. */
    private static boolean runBody(DeadlineSlot slot, long deadline, SplittableRandom random) {
        switch (random.nextInt(10)) {
            case 0:
                Waiting.untilInterrupted();
                return true;
            case 1:
                return false;
            case 2:
                long innerDeadline = slot.enter(System.nanoTime(), timeout(random), random.nextBoolean());
                busyWaitUntil(innerDeadline + jitter(random));
                slot.exit();
                busyWaitUntil(deadline + jitter(random));
                return false;
            default:
                busyWaitUntil(deadline + jitter(random));
                return false;
        }
    }

    private static long timeout(SplittableRandom random) {
        return MIN_TIMEOUT_NANOS + random.nextInt(TIMEOUT_SPREAD_NANOS);
    }

    private static long jitter(SplittableRandom random) {
        return random.nextInt(-JITTER_NANOS, JITTER_NANOS);
    }

    private static void busyWaitUntil(long nanos) {
        while (System.nanoTime() < nanos) {
            Thread.onSpinWait();
        }
    }

    /** The latch must not consume an interrupt: that would hide exactly what this test looks for. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (latch.getCount() > 0) {
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
