package dev.bulwark.it.app;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

public final class FallbackScenarios {
    private static final AtomicInteger CALLS = new AtomicInteger();

    public static void main(String[] args) throws Throwable {
        Report.run(FallbackScenarios.class, args);
    }

    private final String prefix = "cached";

    @Fallback(method = "cachedPrice")
    int price(String sku, int quantity) {
        throw new IllegalStateException("pricing down for " + sku);
    }

    private int cachedPrice(String sku, int quantity) {
        return 7 * quantity;
    }

    @Fallback(method = "withFailure")
    String lookup(String id) throws IOException {
        throw new IOException("no route to " + id);
    }

    private String withFailure(String id, Throwable failure) {
        return prefix + ":" + id + ":" + failure.getClass().getSimpleName() + ":" + failure.getMessage();
    }

    @Fallback(method = "onlyIo", applyOn = IOException.class)
    String onlyIoFailures(boolean io) throws IOException {
        if (io) {
            throw new IOException("io");
        }
        throw new IllegalStateException("not io");
    }

    String onlyIo(boolean io) {
        return "fallback";
    }

    @Fallback(method = "skipping", skipOn = IllegalArgumentException.class)
    String skipsSome(boolean illegalArgument) {
        if (illegalArgument) {
            throw new IllegalArgumentException("skipped");
        }
        throw new IllegalStateException("handled");
    }

    String skipping(boolean illegalArgument) {
        return "fallback";
    }

    @Fallback(method = "failingFallback")
    String fallbackThrows() {
        throw new IllegalStateException("body");
    }

    String failingFallback() {
        throw new UnsupportedOperationException("fallback failed too");
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

    @Retry(maxAttempts = 3, delay = "1ms")
    @Fallback(method = "afterRetries")
    static String retriedThenFallback() {
        throw new IllegalStateException("attempt " + CALLS.incrementAndGet());
    }

    static String afterRetries(IllegalStateException last) {
        return "fallback got " + last.getMessage();
    }

    @Fallback(method = "narrow")
    String narrowFailureParameter(boolean io) throws IOException {
        if (io) {
            throw new IOException("io");
        }
        throw new IllegalStateException("state");
    }

    String narrow(boolean io, IOException failure) {
        return "narrow fallback for " + failure.getMessage();
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

    public static void fallbackWithTrailingThrowable() {
        Report.put("outcome", Report.outcome(() -> new FallbackScenarios().lookup("eu-1")));
    }

    public static void applyOnAndSkipOn() {
        FallbackScenarios s = new FallbackScenarios();
        Report.put("applyOnMatch", Report.outcome(() -> s.onlyIoFailures(true)));
        Report.put("applyOnMiss", Report.outcome(() -> s.onlyIoFailures(false)));
        Report.put("skipOnMatch", Report.outcome(() -> s.skipsSome(true)));
        Report.put("skipOnMiss", Report.outcome(() -> s.skipsSome(false)));
        Report.put("narrowMatch", Report.outcome(() -> s.narrowFailureParameter(true)));
        Report.put("narrowMiss", Report.outcome(() -> s.narrowFailureParameter(false)));
    }

    public static void fallbackExceptionReachesTheCaller() {
        Report.put("outcome", Report.outcome(() -> new FallbackScenarios().fallbackThrows()));
    }

    public static void fallbackHandlesBulwarkRejections() {
        Report.put("outcome", Report.outcome(() -> new FallbackScenarios().slow()));
        Report.put("interrupted", Thread.currentThread().isInterrupted());
    }

    public static void fallbackAfterRetriesGetsTheLastFailure() {
        Report.put("outcome", Report.outcome(FallbackScenarios::retriedThenFallback));
        Report.put("calls", CALLS.get());
    }

    public static void badFallbacksAreReportedAndIgnored() {
        FallbackScenarios s = new FallbackScenarios();
        Report.put("missing", Report.outcome(s::missingFallback));
        Report.put("mismatched", Report.outcome(() -> s.mismatchedFallback("a")));
        Report.put("wrongReturn", Report.outcome(s::mismatchedReturn));
    }
}
