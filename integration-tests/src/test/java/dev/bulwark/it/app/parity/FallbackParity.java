package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fallbacks, the same through a synchronous method, one returning a stage and one returning a Mono (see
 * {@link Mode}). The twins name the same fallback method, which returns a plain value: an async method's
 * fallback may, and a Mono's signals it as its item.
 */
public final class FallbackParity {
    private static final AtomicInteger CALLS = new AtomicInteger();

    private final String prefix = "cached";

    public static void main(String[] args) throws Throwable {
        Report.run(FallbackParity.class, args);
    }

    private static String pricingDown(String sku) {
        throw new IllegalStateException("pricing down for " + sku);
    }

    @Fallback(method = "cachedPrice")
    String price(String sku, int quantity) {
        return pricingDown(sku);
    }

    @Fallback(method = "cachedPrice")
    CompletionStage<String> priceAsync(String sku, int quantity) {
        return Mode.later(() -> pricingDown(sku));
    }

    @Fallback(method = "cachedPrice")
    Mono<String> priceMono(String sku, int quantity) {
        return Mode.lazily(() -> pricingDown(sku));
    }

    private String cachedPrice(String sku, int quantity) {
        return String.valueOf(7 * quantity);
    }

    private static String noRoute(String id) throws IOException {
        throw new IOException("no route to " + id);
    }

    @Fallback(method = "withFailure")
    String lookup(String id) throws IOException {
        return noRoute(id);
    }

    @Fallback(method = "withFailure")
    CompletionStage<String> lookupAsync(String id) {
        return Mode.later(() -> noRoute(id));
    }

    @Fallback(method = "withFailure")
    Mono<String> lookupMono(String id) {
        return Mode.lazily(() -> noRoute(id));
    }

    private String withFailure(String id, Throwable failure) {
        return prefix + ":" + id + ":" + failure.getClass().getSimpleName() + ":" + failure.getMessage();
    }

    private static String ioOrState(boolean io, String message) throws IOException {
        if (io) {
            throw new IOException("io");
        }
        throw new IllegalStateException(message);
    }

    @Fallback(method = "onlyIo", applyOn = IOException.class)
    String onlyIoFailures(boolean io) throws IOException {
        return ioOrState(io, "not io");
    }

    @Fallback(method = "onlyIo", applyOn = IOException.class)
    CompletionStage<String> onlyIoFailuresAsync(boolean io) {
        return Mode.later(() -> ioOrState(io, "not io"));
    }

    @Fallback(method = "onlyIo", applyOn = IOException.class)
    Mono<String> onlyIoFailuresMono(boolean io) {
        return Mode.lazily(() -> ioOrState(io, "not io"));
    }

    String onlyIo(boolean io) {
        return "fallback";
    }

    private static String argumentOrState(boolean illegalArgument) {
        if (illegalArgument) {
            throw new IllegalArgumentException("skipped");
        }
        throw new IllegalStateException("handled");
    }

    @Fallback(method = "skipping", skipOn = IllegalArgumentException.class)
    String skipsSome(boolean illegalArgument) {
        return argumentOrState(illegalArgument);
    }

    @Fallback(method = "skipping", skipOn = IllegalArgumentException.class)
    CompletionStage<String> skipsSomeAsync(boolean illegalArgument) {
        return Mode.now(() -> argumentOrState(illegalArgument));
    }

    @Fallback(method = "skipping", skipOn = IllegalArgumentException.class)
    Mono<String> skipsSomeMono(boolean illegalArgument) {
        return Mode.atSubscription(() -> argumentOrState(illegalArgument));
    }

    String skipping(boolean illegalArgument) {
        return "fallback";
    }

    @Fallback(method = "narrow")
    String narrowFailureParameter(boolean io) throws IOException {
        return ioOrState(io, "state");
    }

    @Fallback(method = "narrow")
    CompletionStage<String> narrowFailureParameterAsync(boolean io) {
        return Mode.later(() -> ioOrState(io, "state"));
    }

    @Fallback(method = "narrow")
    Mono<String> narrowFailureParameterMono(boolean io) {
        return Mode.lazily(() -> ioOrState(io, "state"));
    }

    String narrow(boolean io, IOException failure) {
        return "narrow fallback for " + failure.getMessage();
    }

    private static String bodyFails() {
        throw new IllegalStateException("body");
    }

    @Fallback(method = "failingFallback")
    String fallbackThrows() {
        return bodyFails();
    }

    @Fallback(method = "failingFallback")
    CompletionStage<String> fallbackThrowsAsync() {
        return Mode.later(FallbackParity::bodyFails);
    }

    @Fallback(method = "failingFallback")
    Mono<String> fallbackThrowsMono() {
        return Mode.lazily(FallbackParity::bodyFails);
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

    @Timeout("50ms")
    @Fallback(method = "afterTimeout")
    CompletionStage<String> slowAsync() {
        return new CompletableFuture<>();
    }

    @Timeout("50ms")
    @Fallback(method = "afterTimeout")
    Mono<String> slowMono() {
        return Mode.lazily(() -> {
            Thread.sleep(60_000);
            return "slow";
        });
    }

    String afterTimeout(Throwable failure) {
        return "fallback after " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static String failsAgain() {
        throw new IllegalStateException("attempt " + CALLS.incrementAndGet());
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    @Fallback(method = "afterRetries")
    static String retriedThenFallback() {
        return failsAgain();
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    @Fallback(method = "afterRetries")
    static CompletionStage<String> retriedThenFallbackAsync() {
        return Mode.later(FallbackParity::failsAgain);
    }

    @Retry(maxAttempts = 3, delay = "1ms")
    @Fallback(method = "afterRetries")
    static Mono<String> retriedThenFallbackMono() {
        return Mode.lazily(FallbackParity::failsAgain);
    }

    static String afterRetries(IllegalStateException last) {
        return "fallback got " + last.getMessage();
    }

    public static void fallbackWithSameParameters() {
        FallbackParity s = new FallbackParity();
        for (Mode mode : Mode.values()) {
            mode.put("outcome", mode.outcome(() -> s.price("sku-1", 3), () -> s.priceAsync("sku-1", 3),
                    () -> s.priceMono("sku-1", 3)));
        }
    }

    public static void fallbackWithTrailingThrowable() {
        FallbackParity s = new FallbackParity();
        for (Mode mode : Mode.values()) {
            mode.put("outcome", mode.outcome(() -> s.lookup("eu-1"), () -> s.lookupAsync("eu-1"),
                    () -> s.lookupMono("eu-1")));
        }
    }

    public static void applyOnAndSkipOn() {
        FallbackParity s = new FallbackParity();
        for (Mode mode : Mode.values()) {
            mode.put("applyOnMatch", mode.outcome(() -> s.onlyIoFailures(true), () -> s.onlyIoFailuresAsync(true),
                    () -> s.onlyIoFailuresMono(true)));
            mode.put("applyOnMiss", mode.outcome(() -> s.onlyIoFailures(false), () -> s.onlyIoFailuresAsync(false),
                    () -> s.onlyIoFailuresMono(false)));
            mode.put("skipOnMatch", mode.outcome(() -> s.skipsSome(true), () -> s.skipsSomeAsync(true),
                    () -> s.skipsSomeMono(true)));
            mode.put("skipOnMiss", mode.outcome(() -> s.skipsSome(false), () -> s.skipsSomeAsync(false),
                    () -> s.skipsSomeMono(false)));
            mode.put("narrowMatch", mode.outcome(() -> s.narrowFailureParameter(true),
                    () -> s.narrowFailureParameterAsync(true), () -> s.narrowFailureParameterMono(true)));
            mode.put("narrowMiss", mode.outcome(() -> s.narrowFailureParameter(false),
                    () -> s.narrowFailureParameterAsync(false), () -> s.narrowFailureParameterMono(false)));
        }
    }

    public static void fallbackExceptionReachesTheCaller() {
        FallbackParity s = new FallbackParity();
        for (Mode mode : Mode.values()) {
            mode.put("outcome", mode.outcome(s::fallbackThrows, s::fallbackThrowsAsync, s::fallbackThrowsMono));
        }
    }

    public static void fallbackHandlesBulwarkRejections() {
        FallbackParity s = new FallbackParity();
        for (Mode mode : Mode.values()) {
            mode.put("outcome", mode.outcome(s::slow, s::slowAsync, s::slowMono));
            mode.put("interruptedAfter", Thread.interrupted());
        }
    }

    public static void fallbackAfterRetriesGetsTheLastFailure() {
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            mode.put("outcome", mode.outcome(FallbackParity::retriedThenFallback,
                    FallbackParity::retriedThenFallbackAsync,
                    FallbackParity::retriedThenFallbackMono));
            mode.put("calls", CALLS.get());
        }
    }
}
