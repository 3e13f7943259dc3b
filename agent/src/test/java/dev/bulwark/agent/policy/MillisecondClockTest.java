package dev.bulwark.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MillisecondClockTest {
    @Test
    void startsAtTheExactTimeOfTheFirstReadAndKeepsUpWithTheExactClock() {
        MillisecondClock clock = new MillisecondClock("test-clock");
        long before = System.nanoTime();
        long first = clock.nanoTime();
        assertThat(first).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(System.nanoTime());

        long target = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> clock.nanoTime() - target >= 0);
        assertThat(clock.nanoTime()).isLessThanOrEqualTo(System.nanoTime());
    }

    @Test
    void neverRunsBackwardsWhileManyThreadsRead() throws Exception {
        MillisecondClock clock = new MillisecondClock("test-clock");
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        boolean[] monotonic = new boolean[4];
        Thread[] readers = new Thread[monotonic.length];
        for (int r = 0; r < readers.length; r++) {
            int reader = r;
            readers[r] = new Thread(() -> {
                long previous = clock.nanoTime();
                boolean ok = true;
                while (System.nanoTime() - end < 0) {
                    long now = clock.nanoTime();
                    ok &= now - previous >= 0;
                    previous = now;
                }
                monotonic[reader] = ok;
            });
            readers[r].start();
        }
        for (Thread reader : readers) {
            reader.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(Arrays.asList(monotonic[0], monotonic[1], monotonic[2], monotonic[3])).containsOnly(true);
    }

    @Test
    void anInterruptedTickerKeepsTicking() {
        MillisecondClock clock = new MillisecondClock("interrupted-test-clock");
        clock.nanoTime();
        Thread ticker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("interrupted-test-clock")).findFirst().orElseThrow();
        assertThat(ticker.isDaemon()).isTrue();
        ticker.interrupt();
        long target = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        await().atMost(Duration.ofSeconds(30)).until(() -> clock.nanoTime() - target >= 0);
        assertThat(ticker.getState()).isIn(Thread.State.TIMED_WAITING, Thread.State.RUNNABLE);
    }
}
