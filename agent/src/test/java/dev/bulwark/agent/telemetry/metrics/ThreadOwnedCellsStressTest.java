package dev.bulwark.agent.telemetry.metrics;

import dev.bulwark.agent.chain.PolicyName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counts and durations recorded into blocks of cells each thread writes alone: more threads at once than there are
 * blocks (the rest share atomic cells), then as many again once those ended (they take the ended threads' blocks
 * over), all while a collector reads. Whatever the interleaving, the counts equal the increments, and the
 * durations handed over equal the records, each collection taking only what the previous ones did not.
 */
class ThreadOwnedCellsStressTest {
    private static final int THREADS = CellOwners.OWNED + 16;
    private static final int RECORDS_EACH = 5_000;
    private static final int WIDTH = 3;

    private final CounterSeries counts = new CounterSeries(new PolicyName("payments", null), WIDTH);
    private final DurationSeries durations = new DurationSeries(new PolicyName("com.acme.Shop#buy", null));

    @Test
    void everyIncrementAndEveryDurationIsCollectedOnceWhateverTheThreads() throws Exception {
        AtomicBoolean recording = new AtomicBoolean(true);
        AtomicLong handed = new AtomicLong();
        List<Throwable> faults = Collections.synchronizedList(new ArrayList<>());
        Thread collector = new Thread(() -> {
            long previous = 0;
            while (recording.get()) {
                durations.drain(Long.MAX_VALUE, (outcome, seconds, times) -> handed.addAndGet(times));
                long now = total();
                if (now < previous) {
                    faults.add(new AssertionError("the count went back from " + previous + " to " + now));
                }
                previous = now;
            }
        });
        collector.start();
        wave(faults);
        wave(faults);
        recording.set(false);
        collector.join();
        durations.drain(Long.MAX_VALUE, (outcome, seconds, times) -> handed.addAndGet(times));

        long perWave = (long) THREADS * RECORDS_EACH;
        long records = 2 * perWave;
        assertThat(faults).isEmpty();
        for (int index = 0; index < WIDTH; index++) {
            assertThat(counts.count(index)).as("attribute value %d", index)
                    .isEqualTo(2 * (perWave / WIDTH + (index < perWave % WIDTH ? 1 : 0)));
        }
        assertThat(handed.get()).isEqualTo(records);
        assertThat(durations.dropped()).isZero();
    }

    /** {@link #THREADS} threads alive at once, each recording {@link #RECORDS_EACH} times. */
    private void wave(List<Throwable> faults) throws InterruptedException {
        CountDownLatch allAlive = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int first = t * RECORDS_EACH;
            Thread thread = new Thread(() -> {
                try {
                    allAlive.countDown();
                    allAlive.await();
                    for (int i = first; i < first + RECORDS_EACH; i++) {
                        counts.increment(i % WIDTH);
                        durations.record(1_000L + i % 7_000_000, i % 2);
                    }
                } catch (Throwable fault) {
                    faults.add(fault);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private long total() {
        long total = 0;
        for (int index = 0; index < WIDTH; index++) {
            total += counts.count(index);
        }
        return total;
    }
}
