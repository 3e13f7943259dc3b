package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Jitter;
import dev.bulwark.annotations.RateLimited;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Single;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every policy through each RxJava 3 and Mutiny type, reported as {@code TYPE.key}: the same outcomes as
 * {@link ReactiveParity}'s Mono and Flux twins. Each type has five protected methods — retried, timed, both with
 * a fallback, guarded by a breaker, held by a bulkhead, limited per subscription — whose bodies follow a
 * script: {@code flaky} fails twice then succeeds, {@code down} always fails, {@code hang} never ends.
 */
public final class RxJavaAndMutiny {
    private static final AtomicInteger BODY = new AtomicInteger();
    private static final AtomicInteger CANCELLED = new AtomicInteger();
    private static final long WAIT_SECONDS = 20;

    private RxJavaAndMutiny() {
    }

    public static void main(String[] args) throws Throwable {
        Report.run(RxJavaAndMutiny.class, args);
    }

    private static String scripted(String script) {
        int call = BODY.incrementAndGet();
        if (script.equals("down") || script.equals("flaky") && call < 3) {
            throw new IllegalStateException("attempt " + call);
        }
        return "ok after " + call;
    }

    static String recover(String script, Throwable failure) {
        return "fallback after " + failure.getClass().getSimpleName();
    }

    /** How to make, and to subscribe to, one library's type. */
    private abstract static class Kit<T> {
        final String name;

        Kit(String name) {
            this.name = name;
        }

        /** A publisher that runs {@code body} when subscribed and signals its value. */
        abstract T deferred(Callable<String> body);

        /** A publisher that never signals; its cancellation counts in CANCELLED. */
        abstract T never();

        /** Subscribes: the value (the list of items of a multi-item type), or "(none)" for none. */
        abstract CompletableFuture<Object> start(T publisher);

        /** Subscribes and returns how to cancel. */
        abstract Runnable hold(T publisher);

        T body(String script) {
            return script.equals("hang") ? never() : deferred(() -> scripted(script));
        }

        String outcome(Callable<T> call) {
            try {
                Object value = start(call.call()).get(WAIT_SECONDS, TimeUnit.SECONDS);
                if (value instanceof List && ((List<?>) value).size() == 1) {
                    value = ((List<?>) value).get(0);
                }
                return "ok:" + value;
            } catch (ExecutionException e) {
                return "failed:" + e.getCause().getClass().getSimpleName() + ":" + e.getCause().getMessage();
            } catch (TimeoutException e) {
                return "stuck:not ended in " + WAIT_SECONDS + "s";
            } catch (Exception e) {
                return "threw:" + e;
            }
        }

        void put(String key, Object value) {
            Report.put(name + "." + key, value);
        }

        static CompletableFuture<Object> future(java.util.function.Consumer<CompletableFuture<Object>> subscribe) {
            CompletableFuture<Object> future = new CompletableFuture<>();
            subscribe.accept(future);
            return future;
        }
    }

    private static final Kit<Single<String>> SINGLE = new Kit<>("SINGLE") {
        Single<String> deferred(Callable<String> body) {
            return Single.fromCallable(body);
        }

        Single<String> never() {
            return Single.<String>never().doOnDispose(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Single<String> publisher) {
            return future(f -> publisher.subscribe(f::complete, f::completeExceptionally));
        }

        Runnable hold(Single<String> publisher) {
            return publisher.subscribe(v -> { }, e -> { })::dispose;
        }
    };

    private static final Kit<Maybe<String>> MAYBE = new Kit<>("MAYBE") {
        Maybe<String> deferred(Callable<String> body) {
            return Maybe.fromCallable(body);
        }

        Maybe<String> never() {
            return Maybe.<String>never().doOnDispose(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Maybe<String> publisher) {
            return future(f -> publisher.subscribe(f::complete, f::completeExceptionally, () -> f.complete("(none)")));
        }

        Runnable hold(Maybe<String> publisher) {
            return publisher.subscribe(v -> { }, e -> { })::dispose;
        }
    };

    private static final Kit<Completable> COMPLETABLE = new Kit<>("COMPLETABLE") {
        Completable deferred(Callable<String> body) {
            return Completable.fromCallable(body);
        }

        Completable never() {
            return Completable.never().doOnDispose(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Completable publisher) {
            return future(f -> publisher.subscribe(() -> f.complete("(none)"), f::completeExceptionally));
        }

        Runnable hold(Completable publisher) {
            return publisher.subscribe(() -> { }, e -> { })::dispose;
        }
    };

    private static final Kit<Flowable<String>> FLOWABLE = new Kit<>("FLOWABLE") {
        Flowable<String> deferred(Callable<String> body) {
            return Flowable.fromCallable(body);
        }

        Flowable<String> never() {
            return Flowable.<String>never().doOnCancel(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Flowable<String> publisher) {
            return future(f -> publisher.toList().subscribe(f::complete, f::completeExceptionally));
        }

        Runnable hold(Flowable<String> publisher) {
            return publisher.subscribe(v -> { }, e -> { })::dispose;
        }
    };

    private static final Kit<Observable<String>> OBSERVABLE = new Kit<>("OBSERVABLE") {
        Observable<String> deferred(Callable<String> body) {
            return Observable.fromCallable(body);
        }

        Observable<String> never() {
            return Observable.<String>never().doOnDispose(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Observable<String> publisher) {
            return future(f -> publisher.toList().subscribe(f::complete, f::completeExceptionally));
        }

        Runnable hold(Observable<String> publisher) {
            return publisher.subscribe(v -> { }, e -> { })::dispose;
        }
    };

    private static final Kit<Uni<String>> UNI = new Kit<>("UNI") {
        Uni<String> deferred(Callable<String> body) {
            return Uni.createFrom().item(() -> call(body));
        }

        Uni<String> never() {
            return Uni.createFrom().<String>nothing().onCancellation().invoke(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Uni<String> publisher) {
            return future(f -> publisher.subscribe().with(f::complete, f::completeExceptionally));
        }

        Runnable hold(Uni<String> publisher) {
            return publisher.subscribe().with(v -> { }, e -> { })::cancel;
        }
    };

    private static final Kit<Multi<String>> MULTI = new Kit<>("MULTI") {
        Multi<String> deferred(Callable<String> body) {
            return Multi.createFrom().item(() -> call(body));
        }

        Multi<String> never() {
            return Multi.createFrom().<String>nothing().onCancellation().invoke(CANCELLED::incrementAndGet);
        }

        CompletableFuture<Object> start(Multi<String> publisher) {
            return future(f -> publisher.collect().asList().subscribe().with(f::complete, f::completeExceptionally));
        }

        Runnable hold(Multi<String> publisher) {
            return publisher.subscribe().with(v -> { }, e -> { })::cancel;
        }
    };

    private static String call(Callable<String> body) {
        try {
            return body.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // Per type: retried and timed (both with a fallback), guarded, held, limited.

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Single<String> retriedSingle(String script) {
        return SINGLE.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Single<String> timedSingle(String script) {
        return SINGLE.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Single<String> guardedSingle(String script) {
        return SINGLE.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Single<String> heldSingle(String script) {
        return SINGLE.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Single<String> limitedSingle(String script) {
        return SINGLE.body(script);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Maybe<String> retriedMaybe(String script) {
        return MAYBE.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Maybe<String> timedMaybe(String script) {
        return MAYBE.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Maybe<String> guardedMaybe(String script) {
        return MAYBE.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Maybe<String> heldMaybe(String script) {
        return MAYBE.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Maybe<String> limitedMaybe(String script) {
        return MAYBE.body(script);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Completable retriedCompletable(String script) {
        return COMPLETABLE.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Completable timedCompletable(String script) {
        return COMPLETABLE.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Completable guardedCompletable(String script) {
        return COMPLETABLE.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Completable heldCompletable(String script) {
        return COMPLETABLE.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Completable limitedCompletable(String script) {
        return COMPLETABLE.body(script);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Flowable<String> retriedFlowable(String script) {
        return FLOWABLE.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Flowable<String> timedFlowable(String script) {
        return FLOWABLE.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Flowable<String> guardedFlowable(String script) {
        return FLOWABLE.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Flowable<String> heldFlowable(String script) {
        return FLOWABLE.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Flowable<String> limitedFlowable(String script) {
        return FLOWABLE.body(script);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Observable<String> retriedObservable(String script) {
        return OBSERVABLE.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Observable<String> timedObservable(String script) {
        return OBSERVABLE.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Observable<String> guardedObservable(String script) {
        return OBSERVABLE.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Observable<String> heldObservable(String script) {
        return OBSERVABLE.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Observable<String> limitedObservable(String script) {
        return OBSERVABLE.body(script);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Uni<String> retriedUni(String script) {
        return UNI.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Uni<String> timedUni(String script) {
        return UNI.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Uni<String> guardedUni(String script) {
        return UNI.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Uni<String> heldUni(String script) {
        return UNI.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Uni<String> limitedUni(String script) {
        return UNI.body(script);
    }

    @Retry(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
    @Fallback(method = "recover")
    static Multi<String> retriedMulti(String script) {
        return MULTI.body(script);
    }

    @Timeout("200ms")
    @Fallback(method = "recover")
    static Multi<String> timedMulti(String script) {
        return MULTI.body(script);
    }

    @CircuitBreaker(windowSize = 2, minimumCalls = 2, failureRateThreshold = 100, waitInOpen = "1m")
    static Multi<String> guardedMulti(String script) {
        return MULTI.body(script);
    }

    @Bulkhead(maxConcurrent = 1)
    static Multi<String> heldMulti(String script) {
        return MULTI.body(script);
    }

    @RateLimited(permits = 1, period = "1m")
    static Multi<String> limitedMulti(String script) {
        return MULTI.body(script);
    }

    /** The five methods of one type. */
    private interface Methods<T> {
        T call(String kind, String script);
    }

    private static <T> void check(Kit<T> kit, Methods<T> methods) {
        // The library's classes load before any deadline runs, as in an application that already used it.
        kit.outcome(() -> kit.deferred(() -> "warm"));
        BODY.set(0);
        kit.put("recovered", kit.outcome(() -> methods.call("retried", "flaky")));
        kit.put("recoveredRuns", BODY.getAndSet(0));
        kit.put("fellBack", kit.outcome(() -> methods.call("retried", "down")));
        kit.put("fellBackRuns", BODY.getAndSet(0));
        CANCELLED.set(0);
        kit.put("timedOut", kit.outcome(() -> methods.call("timed", "hang")));
        kit.put("timedOutCancelled", CANCELLED.getAndSet(0));

        kit.put("guarded1", kit.outcome(() -> methods.call("guarded", "down")));
        kit.put("guarded2", kit.outcome(() -> methods.call("guarded", "down")));
        kit.put("guardedOpen", kit.outcome(() -> methods.call("guarded", "once")));
        kit.put("guardedRuns", BODY.getAndSet(0));

        Runnable holding = kit.hold(methods.call("held", "hang"));
        kit.put("heldFull", kit.outcome(() -> methods.call("held", "once")));
        holding.run();
        kit.put("heldCancelled", CANCELLED.getAndSet(0));
        kit.put("heldAfterCancel", kit.outcome(() -> methods.call("held", "once")));


        BODY.set(0);
        T limited = methods.call("limited", "once");
        kit.put("limitedRunsBeforeSubscribing", BODY.getAndSet(0));
        kit.put("limitedFirst", kit.outcome(() -> limited));
        kit.put("limitedSecond", kit.outcome(() -> limited));
    }

    public static void everything() {
        check(SINGLE, (kind, script) -> kind.equals("retried") ? retriedSingle(script)
                : kind.equals("timed") ? timedSingle(script)
                : kind.equals("guarded") ? guardedSingle(script)
                : kind.equals("held") ? heldSingle(script) : limitedSingle(script));
        check(MAYBE, (kind, script) -> kind.equals("retried") ? retriedMaybe(script)
                : kind.equals("timed") ? timedMaybe(script)
                : kind.equals("guarded") ? guardedMaybe(script)
                : kind.equals("held") ? heldMaybe(script) : limitedMaybe(script));
        check(COMPLETABLE, (kind, script) -> kind.equals("retried") ? retriedCompletable(script)
                : kind.equals("timed") ? timedCompletable(script)
                : kind.equals("guarded") ? guardedCompletable(script)
                : kind.equals("held") ? heldCompletable(script) : limitedCompletable(script));
        check(FLOWABLE, (kind, script) -> kind.equals("retried") ? retriedFlowable(script)
                : kind.equals("timed") ? timedFlowable(script)
                : kind.equals("guarded") ? guardedFlowable(script)
                : kind.equals("held") ? heldFlowable(script) : limitedFlowable(script));
        check(OBSERVABLE, (kind, script) -> kind.equals("retried") ? retriedObservable(script)
                : kind.equals("timed") ? timedObservable(script)
                : kind.equals("guarded") ? guardedObservable(script)
                : kind.equals("held") ? heldObservable(script) : limitedObservable(script));
        check(UNI, (kind, script) -> kind.equals("retried") ? retriedUni(script)
                : kind.equals("timed") ? timedUni(script)
                : kind.equals("guarded") ? guardedUni(script)
                : kind.equals("held") ? heldUni(script) : limitedUni(script));
        check(MULTI, (kind, script) -> kind.equals("retried") ? retriedMulti(script)
                : kind.equals("timed") ? timedMulti(script)
                : kind.equals("guarded") ? guardedMulti(script)
                : kind.equals("held") ? heldMulti(script) : limitedMulti(script));
    }
}
