package dev.bulwark.it.app;

import dev.bulwark.RateLimitedException;
import dev.bulwark.annotations.RateAlgorithm;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Scope;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Cluster-scoped limiters, run by ClusterIT in several JVMs against one real Redis ({@code -Dbulwark.redis.uri}). */
public final class ClusterScenarios {
    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 50;
    private static final int KEYS = 100_000;

    public static void main(String[] args) throws Throwable {
        Report.run(ClusterScenarios.class, args);
    }

    // Periods far longer than the test: the bound is then the permits themselves (one fixed window's, unless the
    // test crosses midnight UTC).
    @RateLimited(name = "shared-token-bucket", permits = 40, period = "24h", scope = Scope.CLUSTER)
    static void tokenBucket() {
    }

    @RateLimited(name = "shared-fixed-window", permits = 40, period = "24h", algorithm = RateAlgorithm.FIXED_WINDOW,
            scope = Scope.CLUSTER)
    static void fixedWindow() {
    }

    @RateLimited(name = "shared-sliding-window", permits = 40, period = "24h",
            algorithm = RateAlgorithm.SLIDING_WINDOW, scope = Scope.CLUSTER)
    static void slidingWindow() {
    }

    @RateLimited(name = "per-tenant", permits = 2, period = "200ms", key = "#0", scope = Scope.CLUSTER)
    static void perTenant(String tenant) {
    }

    // Far more permits than the JVMs ask for: each call is a decision, none a refusal.
    @RateLimited(name = "shared-rate", permits = 100_000, period = "1s", scope = Scope.CLUSTER)
    static void atRate() {
    }

    @RateLimited(name = "faults", permits = 1_000_000, period = "1s", scope = Scope.CLUSTER)
    static void underFaults() {
    }

    /**
     * Waits for "go" on standard input, so that every JVM starts at once, then calls each limiter from four
     * threads and reports how many calls each granted. With {@code -Dscenario.keys=true} it then floods the keyed
     * limiter with 100,000 distinct keys. With {@code -Dscenario.rate=true} it waits for "rate" after them, then
     * calls a limiter a thousand times a second for two seconds.
     */
    public static void share() throws Exception {
        Report.put("ready", true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            throw new IllegalStateException("expected go");
        }
        Report.put("tokenBucket", granted(ClusterScenarios::tokenBucket));
        Report.put("fixedWindow", granted(ClusterScenarios::fixedWindow));
        Report.put("slidingWindow", granted(ClusterScenarios::slidingWindow));
        if (Boolean.getBoolean("scenario.rate")) {
            Report.put("phase", "shared");
            if (!"rate".equals(in.readLine())) {
                throw new IllegalStateException("expected rate");
            }
            Report.put("rateGranted", atAThousandASecond(2_000));
            Report.put("phase", "rated");
        }
        if (Boolean.getBoolean("scenario.keys")) {
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            inThreads(() -> {
                for (int key = next.getAndIncrement(); key < KEYS; key = next.getAndIncrement()) {
                    try {
                        perTenant("tenant-" + key);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            });
            Report.put("keyedCalls", next.get() - THREADS);
            Report.put("keyedFailures", failures.get());
        }
    }

    /** Calls {@link #atRate} every millisecond on one thread, {@code calls} times; returns the calls granted. */
    private static int atAThousandASecond(int calls) {
        int granted = 0;
        long next = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            next += 1_000_000L;
            try {
                atRate();
                granted++;
            } catch (RateLimitedException refused) {
                // Counted by what was granted.
            }
            LockSupport.parkNanos(next - System.nanoTime());
        }
        return granted;
    }

    private static int granted(Runnable limited) throws InterruptedException {
        AtomicInteger granted = new AtomicInteger();
        inThreads(() -> {
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                try {
                    limited.run();
                    granted.incrementAndGet();
                } catch (RateLimitedException refused) {
                    // Counted by what was granted.
                }
            }
        });
        return granted.get();
    }

    private static void inThreads(Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Thread thread = new Thread(body);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /**
     * Calls the limiter in a loop on two threads while the test breaks Redis, until "stop" on standard input; then
     * reports how many calls were answered, how many failed with anything but a refusal, and the longest call.
     */
    public static void faults() throws Exception {
        AtomicLong calls = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong longestNanos = new AtomicLong();
        AtomicInteger stopped = new AtomicInteger();
        BooleanSupplier running = () -> stopped.get() == 0;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread thread = new Thread(() -> {
                while (running.getAsBoolean()) {
                    long start = System.nanoTime();
                    try {
                        underFaults();
                    } catch (RateLimitedException refused) {
                        // An answer too.
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                    longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    calls.incrementAndGet();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        Report.put("ready", true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !"stop".equals(line); line = in.readLine()) {
            Report.put("calls." + line, calls.get());
        }
        stopped.set(1);
        for (Thread thread : threads) {
            thread.join();
        }
        Report.put("calls", calls.get());
        Report.put("failures", failures.get());
        Report.put("longestMillis", longestNanos.get() / 1_000_000);
    }
}
