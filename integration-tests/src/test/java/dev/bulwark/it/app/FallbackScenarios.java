package dev.bulwark.it.app;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Timeout;

public final class FallbackScenarios {
    public static void main(String[] args) throws Throwable {
        Report.run(FallbackScenarios.class, args);
    }

    @Fallback(method = "cachedPrice")
    int price(String sku, int quantity) {
        throw new IllegalStateException("pricing down for " + sku);
    }

    private int cachedPrice(String sku, int quantity) {
        return 7 * quantity;
    }

    @Timeout("50ms")
    @Fallback(method = "afterTimeout")
    String slow() throws InterruptedException {
        Thread.sleep(60_000);
        return "slow";
    }

    String afterTimeout(Throwable failure) {
        return "fallback after " + failure.getClass().getSimpleName() + " of " + ((TimeoutExceededException) failure).policyName();
    }

    @Fallback(method = "doesNotExist")
    String missingFallback() {
        throw new IllegalStateException("no fallback to run");
    }

    @Fallback(method = "wrongParameters")
    String mismatchedFallback(String id) {
        throw new IllegalStateException("no fallback for " + id);
    }

    String wrongParameters(int id) {
        return "never";
    }

    @Fallback(method = "wrongReturn")
    String mismatchedReturn() {
        throw new IllegalStateException("wrong return type");
    }

    Integer wrongReturn() {
        return 1;
    }

    public static void fallbackWithSameParameters() {
        Report.put("outcome", Report.outcome(() -> new FallbackScenarios().price("sku-1", 3)));
    }

    public static void fallbackHandlesBulwarkRejections() {
        Report.put("outcome", Report.outcome(() -> new FallbackScenarios().slow()));
        Report.put("interrupted", Thread.currentThread().isInterrupted());
    }

    public static void badFallbacksAreReportedAndIgnored() {
        FallbackScenarios s = new FallbackScenarios();
        Report.put("missing", Report.outcome(s::missingFallback));
        Report.put("mismatched", Report.outcome(() -> s.mismatchedFallback("a")));
        Report.put("wrongReturn", Report.outcome(s::mismatchedReturn));
    }
}
