package dev.bulwark.it.app.parity;

import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a parity scenario calls its protected method: {@link #SYNC} calls the twin returning a plain value,
 * {@link #ASYNC} the twin returning a {@code CompletionStage}, {@link #MONO} the twin returning a Reactor
 * {@code Mono}, subscribed to once per call. The twins carry the same annotations and do the same thing, named
 * like the sync one plus {@code Async} or {@code Mono}; a scenario runs its steps once per mode, SYNC first, and
 * reports each step as {@code MODE.key}, so that the test expects one outcome of all.
 */
public enum Mode {
    SYNC(""), ASYNC("Async"), MONO("Mono");

    /** Far above any wait a scenario expects; a stage still pending then is reported, not waited for forever. */
    private static final long WAIT_SECONDS = 20;
    private static final ExecutorService BODIES = Executors.newCachedThreadPool(body -> {
        Thread thread = new Thread(body, "parity-body");
        thread.setDaemon(true);
        return thread;
    });
    /** Whether {@link #subscribe} started Reactor; two threads that both do, do no harm. */
    private static volatile boolean reactorStarted;
    private final String suffix;

    Mode(String suffix) {
        this.suffix = suffix;
    }

    /**
     * Calls this mode's twin and tells how the call ended: {@code ok:value} or {@code failed:SimpleName:message}.
     * A stage is waited for, a Mono subscribed to once and waited for as a stage is; a {@code CompletionException}
     * or {@code ExecutionException} is taken off, and a twin that throws instead of returning its stage or Mono
     * ends {@code threw:...}, which no sync call gives.
     */
    public String outcome(Callable<?> sync, Callable<? extends CompletionStage<?>> async,
                          Callable<? extends Mono<?>> mono) {
        if (this == SYNC) {
            return outcomeOf(sync);
        }
        CompletionStage<?> stage;
        try {
            stage = this == ASYNC ? async.call() : subscribe(mono.call());
        } catch (Throwable failure) {
            return named("threw:" + describe(failure));
        }
        return outcome(stage);
    }

    /**
     * Tells how a call ended that is synchronous in every mode, such as a protected method calling this mode's
     * twin through {@link #join}.
     */
    public String outcomeOf(Callable<?> call) {
        try {
            return named("ok:" + call.call());
        } catch (Throwable failure) {
            return named(failed(failure));
        }
    }

    /**
     * Calls this mode's twin from inside a synchronous method and waits for its value: {@code join}, which an
     * interrupt does not end, so that only the stage or the Mono itself decides when the wait is over.
     */
    public <T> T join(Callable<T> sync, Callable<? extends CompletionStage<T>> async,
                      Callable<? extends Mono<T>> mono) throws Exception {
        switch (this) {
            case SYNC:
                return sync.call();
            case ASYNC:
                return async.call().toCompletableFuture().join();
            default:
                return subscribe(mono.call()).join();
        }
    }

    /** Waits, boundedly, for a stage the scenario holds itself. */
    public String outcome(CompletionStage<?> stage) {
        try {
            return named("ok:" + stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            return "stuck:not completed in " + WAIT_SECONDS + "s";
        } catch (Throwable failure) {
            return named(failed(failure));
        }
    }

    /**
     * Makes the call of {@link #outcome(Callable, Callable, Callable)} on a thread of its own; see
     * {@link #await(Future)}.
     */
    public Future<String> inBackground(Callable<?> sync, Callable<? extends CompletionStage<?>> async,
                                       Callable<? extends Mono<?>> mono) {
        FutureTask<String> call = new FutureTask<>(() -> outcome(sync, async, mono));
        Thread thread = new Thread(call, "parity-" + name().toLowerCase() + "-caller");
        thread.setDaemon(true);
        thread.start();
        return call;
    }

    public static String await(Future<String> outcome) {
        try {
            return outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "stuck:not ended in " + WAIT_SECONDS + "s";
        } catch (InterruptedException | ExecutionException e) {
            return "stuck:" + e;
        }
    }

    /** Reports {@code value} under this mode's {@code key}. */
    public void put(String key, Object value) {
        Report.put(name() + "." + key, value);
    }

    /** The policy name of this mode's twin of the sync method named {@code syncSite}, to look its breaker up. */
    public String site(String syncSite) {
        return syncSite + suffix;
    }

    /** A stage completed by {@code body} run on another thread: with its value, or its exception as thrown. */
    public static <T> CompletableFuture<T> later(Callable<T> body) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        BODIES.execute(() -> complete(stage, body));
        return stage;
    }

    /** A stage completed by {@code body} on the calling thread, before it is returned. */
    public static <T> CompletableFuture<T> now(Callable<T> body) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        complete(stage, body);
        return stage;
    }

    /**
     * A Mono twin's body: a Mono that calls {@code body} at each subscription, on one of Reactor's threads for
     * blocking work, as {@link #later} runs it on another thread; its value, or its exception as thrown.
     */
    public static <T> Mono<T> lazily(Callable<T> body) {
        return Mono.fromCallable(body).subscribeOn(Schedulers.boundedElastic());
    }

    /** A Mono that calls {@code body} at each subscription on the subscribing thread, as {@link #now} does. */
    public static <T> Mono<T> atSubscription(Callable<T> body) {
        return Mono.fromCallable(body);
    }

    public static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static <T> void complete(CompletableFuture<T> stage, Callable<T> body) {
        try {
            stage.complete(body.call());
        } catch (Throwable failure) {
            stage.completeExceptionally(failure);
        }
    }

    private static String failed(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return "failed:" + describe(cause);
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ":" + failure.getMessage();
    }

    /**
     * Subscribes once. Reactor's own start-up (its classes, its schedulers' threads) is done first, the first
     * time, so that the first Mono twin's call is not slower than its sync twin's for a reason of Reactor's:
     * scenarios time their steps, and a rate limiter's period runs on while a call is slow.
     */
    private static <T> CompletableFuture<T> subscribe(Mono<T> mono) {
        if (!reactorStarted) {
            Mono.just("started").subscribeOn(Schedulers.boundedElastic()).block();
            reactorStarted = true;
        }
        return mono.toFuture();
    }

    /**
     * A twin's policy names, quoted in Bulwark's messages, are its sync twin's plus its suffix: every mode
     * reports the sync name, so that one expectation fits all.
     */
    private String named(String outcome) {
        return suffix.isEmpty() ? outcome : outcome.replace(suffix + "'", "'");
    }
}
