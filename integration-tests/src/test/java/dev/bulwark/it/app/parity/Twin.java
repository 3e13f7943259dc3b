package dev.bulwark.it.app.parity;

import dev.bulwark.it.app.Report;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reactive columns beside {@link Mode}'s two: a reactive parity scenario has four twins of each protected
 * method with the same annotations, named like the synchronous one plus {@code Async}, {@code Mono} and
 * {@code Flux}, and runs its steps once per twin, reporting {@code TWIN.key}. A Flux twin emits its one value as
 * its only item. Outcomes read like {@link Mode}'s: {@code ok:value} or {@code failed:SimpleName:message}, with
 * each twin's policy names quoted as the synchronous twin's.
 */
public enum Twin {
    SYNC(""), ASYNC("Async"), MONO("Mono"), FLUX("Flux");

    private static final long WAIT_SECONDS = 20;
    private final String suffix;

    Twin(String suffix) {
        this.suffix = suffix;
    }

    /** The four ways of making one call; only the twin's own is called. */
    public static final class Calls {
        final Callable<?> sync;
        final Callable<? extends CompletionStage<?>> async;
        final Callable<? extends Mono<?>> mono;
        final Callable<? extends Flux<?>> flux;

        Calls(Callable<?> sync, Callable<? extends CompletionStage<?>> async, Callable<? extends Mono<?>> mono,
              Callable<? extends Flux<?>> flux) {
            this.sync = sync;
            this.async = async;
            this.mono = mono;
            this.flux = flux;
        }
    }

    public static Calls calls(Callable<?> sync, Callable<? extends CompletionStage<?>> async,
                              Callable<? extends Mono<?>> mono, Callable<? extends Flux<?>> flux) {
        return new Calls(sync, async, mono, flux);
    }

    /** Makes the call and waits, boundedly, for how it ended. */
    public String outcome(Calls calls) {
        return await(start(calls));
    }

    /**
     * Starts the call without waiting: a synchronous one on a thread of its own, a stage as returned, a publisher
     * subscribed to.
     */
    public CompletableFuture<?> start(Calls calls) {
        try {
            switch (this) {
                case SYNC:
                    return CompletableFuture.supplyAsync(() -> {
                        try {
                            return calls.sync.call();
                        } catch (Exception e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    }, runnable -> {
                        Thread thread = new Thread(runnable, "twin-sync-caller");
                        thread.setDaemon(true);
                        thread.start();
                    });
                case ASYNC:
                    return calls.async.call().toCompletableFuture();
                case MONO:
                    return calls.mono.call().toFuture();
                default:
                    return calls.flux.call().collectList().toFuture();
            }
        } catch (Exception e) {
            CompletableFuture<Object> threw = new CompletableFuture<>();
            threw.completeExceptionally(new IllegalStateException("threw instead of returning: " + e, e));
            return threw;
        }
    }

    /** How a started call ended. */
    public String await(Future<?> call) {
        try {
            Object value = call.get(WAIT_SECONDS, TimeUnit.SECONDS);
            if (this == FLUX && value instanceof List && ((List<?>) value).size() == 1) {
                value = ((List<?>) value).get(0);
            }
            return named("ok:" + value);
        } catch (TimeoutException e) {
            return "stuck:not ended in " + WAIT_SECONDS + "s";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return named("failed:" + cause.getClass().getSimpleName() + ":" + cause.getMessage());
        } catch (InterruptedException e) {
            return "stuck:" + e;
        }
    }

    public void put(String key, Object value) {
        Report.put(name() + "." + key, value);
    }

    /** The policy name of this twin of the sync method named {@code syncSite}. */
    public String site(String syncSite) {
        return syncSite + suffix;
    }

    private String named(String outcome) {
        return suffix.isEmpty() ? outcome : outcome.replace(suffix + "'", "'");
    }
}
