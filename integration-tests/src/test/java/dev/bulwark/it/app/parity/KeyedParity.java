package dev.bulwark.it.app.parity;

import dev.bulwark.CircuitBreakers;
import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Keyed breakers and bulkheads, the same through a synchronous method, one returning a stage and one returning a
 * Mono (see {@link Mode}).
 */
public final class KeyedParity {
    private static final String PER_HOST = "dev.bulwark.it.app.parity.KeyedParity#perHost";
    private static final String JUDGED = "dev.bulwark.it.app.parity.KeyedParity#judged";
    private static final int FLOOD_KEYS = 100_000;
    /** The max-keys the test sets. */
    private static final int MAX_KEYS = Integer.getInteger("scenario.maxKeys", 10_000);

    private KeyedParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(KeyedParity.class, args);
    }

    private static String host(String host, boolean failing) {
        if (failing) {
            throw new IllegalStateException(host + " failed");
        }
        return "served by " + host;
    }

    @CircuitBreaker(key = "#0", windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static String perHost(String host, boolean failing) {
        return host(host, failing);
    }

    @CircuitBreaker(key = "#0", windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static CompletionStage<String> perHostAsync(String host, boolean failing) {
        return Mode.later(() -> host(host, failing));
    }

    @CircuitBreaker(key = "#0", windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Mono<String> perHostMono(String host, boolean failing) {
        return Mode.lazily(() -> host(host, failing));
    }

    /** What a host answers; a status of 500 or more is a failure to the breaker that judges results. */
    public static final class Reply {
        private final int status;

        Reply(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        @Override
        public String toString() {
            return "status " + status;
        }
    }

    @CircuitBreaker(key = "#0", windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOnResult = "#result.status >= 500")
    static Reply judged(String host, int status) {
        return new Reply(status);
    }

    @CircuitBreaker(key = "#0", windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOnResult = "#result.status >= 500")
    static CompletionStage<Reply> judgedAsync(String host, int status) {
        return Mode.later(() -> new Reply(status));
    }

    @CircuitBreaker(key = "#0", windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m",
            recordOnResult = "#result.status >= 500")
    static Mono<Reply> judgedMono(String host, int status) {
        return Mode.lazily(() -> new Reply(status));
    }

    private static String hold(String tenant, CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await(60, TimeUnit.SECONDS);
        return "done for " + tenant;
    }

    @Bulkhead(key = "#0", maxConcurrent = 1)
    static String perTenant(String tenant, CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return hold(tenant, entered, release);
    }

    @Bulkhead(key = "#0", maxConcurrent = 1)
    static CompletionStage<String> perTenantAsync(String tenant, CountDownLatch entered, CountDownLatch release) {
        return Mode.later(() -> hold(tenant, entered, release));
    }

    @Bulkhead(key = "#0", maxConcurrent = 1)
    static Mono<String> perTenantMono(String tenant, CountDownLatch entered, CountDownLatch release) {
        return Mode.lazily(() -> hold(tenant, entered, release));
    }

    @CircuitBreaker(name = "flood", key = "#0")
    static int perKey(int key) {
        return key;
    }

    /**
     * Host a fails twice and its breaker opens; host b, behind its own breaker, is still served. Tenant a holds
     * the one slot of its bulkhead; a second call of tenant a is rejected, tenant b's call runs in its own.
     */
    public static void keyedPoliciesActPerKey() throws InterruptedException {
        for (Mode mode : Mode.values()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<String> holder = mode.inBackground(() -> perTenant("a", entered, release),
                    () -> perTenantAsync("a", entered, release), () -> perTenantMono("a", entered, release));
            mode.put("holderEntered", entered.await(20, TimeUnit.SECONDS));
            CountDownLatch none = new CountDownLatch(0);
            mode.put("aFull", mode.outcome(() -> perTenant("a", new CountDownLatch(1), none),
                    () -> perTenantAsync("a", new CountDownLatch(1), none),
                    () -> perTenantMono("a", new CountDownLatch(1), none)).replace(mode.site("") + "[", "["));
            mode.put("bServed", mode.outcome(() -> perTenant("b", new CountDownLatch(1), none),
                    () -> perTenantAsync("b", new CountDownLatch(1), none),
                    () -> perTenantMono("b", new CountDownLatch(1), none)));
            release.countDown();
            mode.put("holder", Mode.await(holder));
        }
        for (Mode mode : Mode.values()) {
            mode.put("hostAFails", mode.outcome(() -> perHost("a", true), () -> perHostAsync("a", true),
                    () -> perHostMono("a", true)));
            mode.outcome(() -> perHost("a", true), () -> perHostAsync("a", true), () -> perHostMono("a", true));
            mode.put("hostARejected", mode.outcome(() -> perHost("a", false), () -> perHostAsync("a", false),
                    () -> perHostMono("a", false))
                    .replace(mode.site("") + "[", "["));
            mode.put("hostBServed", mode.outcome(() -> perHost("b", false), () -> perHostAsync("b", false),
                    () -> perHostMono("b", false)));
            mode.put("aState", CircuitBreakers.find(mode.site(PER_HOST) + "[a]").state());
            mode.put("bState", CircuitBreakers.find(mode.site(PER_HOST) + "[b]").state());
            mode.put("names", CircuitBreakers.names().stream().filter(name -> name.startsWith(mode.site(PER_HOST) + "["))
                    .map(name -> name.replace(mode.site("") + "[", "[")).sorted()
                    .collect(java.util.stream.Collectors.toList()));
        }
        resultsJudgedPerKey();
    }

    /**
     * Host a answers 503 twice: its own breaker, judging results, opens, while host b's answers 200 through its
     * own. An operator then disables host a's breaker by its {@code name[value]}: host a's 503 reaches the caller.
     */
    private static void resultsJudgedPerKey() {
        for (Mode mode : Mode.values()) {
            mode.outcome(() -> judged("a", 503), () -> judgedAsync("a", 503), () -> judgedMono("a", 503));
            mode.outcome(() -> judged("a", 503), () -> judgedAsync("a", 503), () -> judgedMono("a", 503));
            mode.put("judgedAState", CircuitBreakers.find(mode.site(JUDGED) + "[a]").state());
            mode.put("judgedARejected", mode.outcome(() -> judged("a", 200), () -> judgedAsync("a", 200),
                    () -> judgedMono("a", 200))
                    .replace(mode.site("") + "[", "["));
            mode.put("judgedB", mode.outcome(() -> judged("b", 200), () -> judgedAsync("b", 200),
                    () -> judgedMono("b", 200)));
            mode.put("judgedBState", CircuitBreakers.find(mode.site(JUDGED) + "[b]").state());
            CircuitBreakers.find(mode.site(JUDGED) + "[a]").disable();
            mode.put("disabledA", mode.outcome(() -> judged("a", 503), () -> judgedAsync("a", 503),
                    () -> judgedMono("a", 503)));
            mode.put("disabledAState", CircuitBreakers.find(mode.site(JUDGED) + "[a]").state());
        }
    }

    /**
     * 100,000 distinct keys, each called once: the breakers retained (in the registry and in JMX) never exceed
     * max-keys, every call is served, and the heap after the flood holds no more than that.
     */
    public static void floodOfKeysStaysBounded() throws Exception {
        long heapBefore = usedHeapAfterGc();
        int served = 0;
        int mostLive = 0;
        for (int key = 0; key < FLOOD_KEYS; key++) {
            if (perKey(key) == key) {
                served++;
            }
            if (key % 1_000 == 0) {
                mostLive = Math.max(mostLive, liveFloodBreakers());
            }
        }
        Report.put("served", served);
        Report.put("mostLive", mostLive);
        Report.put("jmxBeansSettled", awaitJmxBeansAtMost(MAX_KEYS));
        Report.put("heapGrowthMb", (usedHeapAfterGc() - heapBefore) / (1024 * 1024));
    }

    private static int liveFloodBreakers() {
        return (int) CircuitBreakers.names().stream().filter(name -> name.startsWith("flood[")).count();
    }

    /** MBeans are registered and unregistered off the calling thread: waits, boundedly, for them to catch up. */
    private static boolean awaitJmxBeansAtMost(int most) throws MalformedObjectNameException, InterruptedException {
        ObjectName flood = new ObjectName("dev.bulwark:type=CircuitBreaker,name=\"flood[*\",*");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (ManagementFactory.getPlatformMBeanServer().queryNames(flood, null).size() <= most) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
