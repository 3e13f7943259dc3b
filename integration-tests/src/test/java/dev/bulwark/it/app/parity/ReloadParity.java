package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Backoff;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.Retry;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A config reload in the middle of a call, the same through a synchronous method, one returning a stage and one
 * returning a Mono (see {@link Mode}). The JVM runs with the watched config file {@code -Dparity.config}, whose one
 * {@code instrument} entry gives {@link #bystander} a retry; changing that entry makes the reload rebuild every
 * call site's chain, the retried method's too.
 */
public final class ReloadParity {
    private static final long RELOAD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final AtomicInteger BYSTANDER_CALLS = new AtomicInteger();
    private static volatile CountDownLatch firstAttempt;

    private ReloadParity() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(ReloadParity.class, args);
    }

    /** Not annotated: the config's instrument entry retries it. */
    static String bystander() {
        BYSTANDER_CALLS.incrementAndGet();
        throw new IllegalStateException("bystander fails");
    }

    private static String fails() {
        int call = CALLS.incrementAndGet();
        firstAttempt.countDown();
        throw new IllegalStateException("attempt " + call);
    }

    @Retry(maxAttempts = 3, delay = "700ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static String retried() {
        return fails();
    }

    @Retry(maxAttempts = 3, delay = "700ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static CompletionStage<String> retriedAsync() {
        return Mode.later(ReloadParity::fails);
    }

    @Retry(maxAttempts = 3, delay = "700ms", backoff = Backoff.FIXED, jitter = Jitter.NONE)
    static Mono<String> retriedMono() {
        return Mode.lazily(ReloadParity::fails);
    }

    /**
     * While the retry waits after its first attempt the file changes the bystander's attempts; once the
     * bystander runs that many times the reload is in force. The retried call keeps its three attempts.
     */
    public static void aReloadWhileTheRetryWaits() throws Exception {
        int bystanderAttempts = 2;
        for (Mode mode : Mode.values()) {
            CALLS.set(0);
            firstAttempt = new CountDownLatch(1);
            Future<String> call = mode.inBackground(ReloadParity::retried, ReloadParity::retriedAsync,
                    ReloadParity::retriedMono);
            mode.put("firstAttempt", firstAttempt.await(20, TimeUnit.SECONDS));
            bystanderAttempts++;
            setBystanderAttempts(bystanderAttempts);
            mode.put("reloaded", awaitBystanderAttempts(bystanderAttempts));
            // 1 when the reload came while the retry waited for its second attempt, as meant; informative only.
            mode.put("callsWhenReloaded", CALLS.get());
            mode.put("outcome", Mode.await(call));
            mode.put("calls", CALLS.get());
        }
    }

    private static void setBystanderAttempts(int attempts) throws IOException {
        Path file = Paths.get(System.getProperty("parity.config"));
        String config = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, config.replaceAll("max-attempts = \\d+", "max-attempts = " + attempts).getBytes(StandardCharsets.UTF_8));
        // An editor's atomic save: the watcher never reads half a file.
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean awaitBystanderAttempts(int attempts) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < RELOAD_WAIT_NANOS) {
            BYSTANDER_CALLS.set(0);
            Report.outcome(ReloadParity::bystander);
            if (BYSTANDER_CALLS.get() == attempts) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
