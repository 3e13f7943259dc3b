package dev.bulwark.it.app;

import dev.bulwark.CircuitBreakerControl;
import dev.bulwark.CircuitBreakers;
import dev.bulwark.CircuitOpenException;
import dev.bulwark.annotations.CircuitBreaker;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public final class BreakerScenarios {
    private static final AtomicInteger BODY = new AtomicInteger();
    private static volatile boolean fail = true;

    public static void main(String[] args) throws Throwable {
        Report.run(BreakerScenarios.class, args);
    }

    @CircuitBreaker(windowSize = 4, minimumCalls = 4, failureRateThreshold = 75, waitInOpen = "200ms", halfOpenCalls = 2)
    static String guarded(boolean failing) {
        BODY.incrementAndGet();
        if (failing) {
            throw new IllegalStateException("downstream failed");
        }
        return "ok";
    }

    @CircuitBreaker(name = "payments", windowSize = 4, minimumCalls = 4, failureRateThreshold = 50, waitInOpen = "1m")
    static String charge() {
        BODY.incrementAndGet();
        throw new IllegalStateException("payments down");
    }

    @CircuitBreaker(name = "payments", windowSize = 4, minimumCalls = 4, failureRateThreshold = 50, waitInOpen = "1m")
    static String refund() {
        BODY.incrementAndGet();
        return "refunded";
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 50, waitInOpen = "100ms", halfOpenCalls = 1)
    static String throwsErrors() {
        BODY.incrementAndGet();
        if (fail) {
            throw new IllegalStateException("fails");
        }
        throw new AssertionError("an Error in a trial call");
    }

    private static String call(java.util.concurrent.Callable<String> call) {
        return Report.outcome(call).replace("threw:", "").replace("returned:", "");
    }

    private static String state(String name) {
        return CircuitBreakers.find(name).state();
    }

    private static final String GUARDED = "dev.bulwark.it.app.BreakerScenarios#guarded";

    public static void aBreakerSharedByName() {
        for (int i = 0; i < 4; i++) {
            call(BreakerScenarios::charge);
        }
        Report.put("refund", call(BreakerScenarios::refund));
        Report.put("bodyRuns", BODY.get());
        Report.put("names", CircuitBreakers.names());
    }

    public static void anErrorInATrialNeverStrandsHalfOpen() throws InterruptedException {
        call(BreakerScenarios::throwsErrors);
        call(BreakerScenarios::throwsErrors);
        Report.put("opened", state("dev.bulwark.it.app.BreakerScenarios#throwsErrors"));
        fail = false;
        Thread.sleep(200);
        try {
            throwsErrors();
        } catch (AssertionError expected) {
            Report.put("trialThrew", "AssertionError");
        }
        Report.put("afterTrial", state("dev.bulwark.it.app.BreakerScenarios#throwsErrors"));
        Report.put("nextCall", Report.outcome(() -> {
            try {
                return throwsErrors();
            } catch (AssertionError e) {
                return "ran the body";
            }
        }));
    }

    public static void operatorsControlABreaker() throws Exception {
        CircuitBreakerControl breaker = CircuitBreakers.find(GUARDED);
        Report.put("unknownBeforeFirstUse", breaker == null ? "null" : breaker.state());
        call(() -> guarded(false));
        breaker = CircuitBreakers.find(GUARDED);
        breaker.forceOpen();
        Report.put("forced", call(() -> guarded(false)));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.bulwark:type=CircuitBreaker,name=" + ObjectName.quote(GUARDED));
        // The MBean is registered off the calling thread, shortly after the breaker's first call.
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.isRegistered(name) && System.nanoTime() - giveUp < 0) {
            Thread.sleep(5);
        }
        Report.put("jmxState", server.getAttribute(name, "State"));
        Report.put("jmxNotPermitted", server.getAttribute(name, "NotPermittedCalls"));
        server.invoke(name, "reset", new Object[0], new String[0]);
        Report.put("afterJmxReset", breaker.state());
        Report.put("afterReset", call(() -> guarded(false)));
    }
}
