package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.CompletionStage;

/**
 * Adaptive timeouts, the same through a synchronous method, one returning a stage and one returning a Mono (see
 * {@link Mode}).
 * The test sets {@code min-calls} through system properties, so that warm-up is short.
 */
public final class AdaptiveTimeoutParity {
    /** Far below the timeout's value of 2s, yet far above what the warm-up's calls take. */
    private static final long SLOW_MILLIS = 1_000;

    private AdaptiveTimeoutParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(AdaptiveTimeoutParity.class, args);
    }

    private static String sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return "slept " + millis;
    }

    @Timeout(value = "2s", adaptive = true)
    static String takes(long millis) throws InterruptedException {
        return sleep(millis);
    }

    @Timeout(value = "2s", adaptive = true)
    static CompletionStage<String> takesAsync(long millis) {
        return Mode.later(() -> sleep(millis));
    }

    @Timeout(value = "2s", adaptive = true)
    static Mono<String> takesMono(long millis) {
        return Mode.lazily(() -> sleep(millis));
    }

    /**
     * A call of 1s fits the 2s timeout before warm-up; after {@code min-calls} calls of a millisecond, the
     * deadline is 1.5 times their p90 (the test's setting), and the same call times out. A call that never ends is still ended by
     * the deadline, which never exceeds the value.
     */
    public static void adaptiveTimeoutTightensAfterWarmUp() {
        for (Mode mode : Mode.values()) {
            mode.put("beforeWarmUp", mode.outcome(() -> takes(SLOW_MILLIS), () -> takesAsync(SLOW_MILLIS),
                    () -> takesMono(SLOW_MILLIS)));
            int warmUp = Integer.getInteger("scenario.warmUp");
            String last = "";
            for (int i = 0; i < warmUp; i++) {
                last = mode.outcome(() -> takes(1), () -> takesAsync(1), () -> takesMono(1));
            }
            mode.put("warmUp", last);
            long start = System.nanoTime();
            mode.put("afterWarmUp", mode.outcome(() -> takes(SLOW_MILLIS), () -> takesAsync(SLOW_MILLIS),
                    () -> takesMono(SLOW_MILLIS)));
            mode.put("afterWarmUpMillis", Mode.millisSince(start));
            mode.put("interruptedAfter", Thread.interrupted());
        }
    }
}
