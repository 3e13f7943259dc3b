package dev.bulwark.it.app;

import dev.bulwark.BulkheadFullException;
import dev.bulwark.RateLimitedException;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.RateAlgorithm;
import dev.bulwark.annotations.RateLimited;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public final class LimitsScenarios {
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static final AtomicInteger HIGH_WATER = new AtomicInteger();
    private static volatile boolean bodiesOnVirtualThreads;

    public static void main(String[] args) throws Throwable {
        Report.run(LimitsScenarios.class, args);
    }

    @Bulkhead(maxConcurrent = 2)
    static String twoAtATime(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        if (Report.isVirtual(Thread.currentThread())) {
            bodiesOnVirtualThreads = true;
        }
        int now = ACTIVE.incrementAndGet();
        HIGH_WATER.accumulateAndGet(now, Math::max);
        try {
            entered.countDown();
            release.await(60, TimeUnit.SECONDS);
            return "done";
        } finally {
            ACTIVE.decrementAndGet();
        }
    }

    @Bulkhead(name = "inventory", maxConcurrent = 1)
    static String reserve(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await(60, TimeUnit.SECONDS);
        return "reserved";
    }

    @Bulkhead(name = "inventory", maxConcurrent = 1)
    static String release() {
        return "released";
    }

    @Bulkhead(maxConcurrent = 3)
    static void hammered() {
        int now = ACTIVE.incrementAndGet();
        HIGH_WATER.accumulateAndGet(now, Math::max);
        Thread.yield();
        ACTIVE.decrementAndGet();
    }

    @RateLimited(permits = 3, period = "1m")
    static String tokenBucket() {
        return "ok";
    }

    @RateLimited(permits = 3, period = "1m", algorithm = RateAlgorithm.FIXED_WINDOW)
    static String fixedWindow() {
        return "ok";
    }

    @RateLimited(permits = 3, period = "1m", algorithm = RateAlgorithm.SLIDING_WINDOW)
    static String slidingWindow() {
        return "ok";
    }

    @RateLimited(permits = 2, period = "1m", key = "#0")
    static String perUser(String user) {
        return "ok " + user;
    }

    public static final class Request {
        private final String tenant;

        public Request(String tenant) {
            this.tenant = tenant;
        }

        public String getTenant() {
            return tenant;
        }
    }

    @RateLimited(permits = 1, period = "1m", key = "#1.tenant")
    static String perTenant(int attempt, Request request) {
        return "ok " + request.getTenant();
    }

    @RateLimited(name = "partner-api", permits = 2, period = "1m")
    static String search() {
        return "search";
    }

    @RateLimited(name = "partner-api", permits = 2, period = "1m")
    static String details() {
        return "details";
    }

    @RateLimited(permits = 50, period = "1h", algorithm = RateAlgorithm.SLIDING_WINDOW)
    static void contended() {
    }

    private static String call(java.util.concurrent.Callable<String> call) {
        return Report.outcome(call).replace("returned:", "").replace("threw:", "");
    }

    private static Thread start(Runnable body) {
        return Report.startThread(body);
    }

    public static void semaphoreBulkhead() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holders.add(start(() -> call(() -> twoAtATime(entered, release))));
        }
        entered.await(60, TimeUnit.SECONDS);
        Report.put("third", call(() -> twoAtATime(new CountDownLatch(1), new CountDownLatch(0))));
        release.countDown();
        for (Thread holder : holders) {
            holder.join();
        }
        Report.put("afterRelease", call(() -> twoAtATime(new CountDownLatch(1), new CountDownLatch(0))));
        Report.put("highWater", HIGH_WATER.get());
        Report.put("bodiesOnVirtualThreads", bodiesOnVirtualThreads);
    }

    public static void neverMoreThanMaxConcurrent() throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            threads.add(start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    try {
                        hammered();
                        ran.incrementAndGet();
                    } catch (BulkheadFullException e) {
                        rejected.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Report.put("highWater", HIGH_WATER.get());
        Report.put("total", ran.get() + rejected.get());
        Report.put("ran", ran.get());
    }

    public static void bulkheadSharedByName() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = start(() -> call(() -> reserve(entered, release)));
        entered.await(60, TimeUnit.SECONDS);
        Report.put("other", call(LimitsScenarios::release));
        release.countDown();
        holder.join();
        Report.put("afterwards", call(LimitsScenarios::release));
    }

    public static void everyAlgorithmGrantsItsPermits() {
        for (String name : new String[] {"tokenBucket", "fixedWindow", "slidingWindow"}) {
            StringBuilder outcomes = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                java.util.concurrent.Callable<String> call = name.equals("tokenBucket") ? LimitsScenarios::tokenBucket
                        : name.equals("fixedWindow") ? LimitsScenarios::fixedWindow : LimitsScenarios::slidingWindow;
                outcomes.append(call(call)).append(i < 3 ? "," : "");
            }
            Report.put(name, outcomes);
        }
    }

    public static void limitersPerKey() {
        Report.put("alice", call(() -> perUser("alice")) + "," + call(() -> perUser("alice")) + "," + call(() -> perUser("alice")));
        Report.put("bob", call(() -> perUser("bob")));
        Report.put("tenantA", call(() -> perTenant(1, new Request("a"))) + "," + call(() -> perTenant(2, new Request("a"))));
        Report.put("tenantB", call(() -> perTenant(3, new Request("b"))));
    }

    public static void limiterSharedByName() {
        Report.put("calls", call(LimitsScenarios::search) + "," + call(LimitsScenarios::details) + "," + call(LimitsScenarios::details));
    }

    public static void limiterNeverOverGrantsUnderContention() throws Exception {
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    try {
                        contended();
                        granted.incrementAndGet();
                    } catch (RateLimitedException e) {
                        rejected.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Report.put("granted", granted.get());
        Report.put("rejected", rejected.get());
    }
}
