package dev.bulwark.benchmarks;

import dev.bulwark.annotations.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One subscription to a {@code Mono.just} and to a {@code Flux.range(1, 10)}: bare, returned by a method the
 * agent protects with a circuit breaker (each subscription one protected call), and wrapped in Resilience4j's
 * Reactor circuit-breaker operator configured alike, as its documentation shows ({@code transformDeferred}).
 *
 * <p>Every row assembles its publisher and subscribes the thread's one {@link Sink} to it, which requests every
 * item, hands each to a blackhole and checks that the stream completed before the subscribe call returned. Not
 * {@code block()}: Reactor's {@code Mono.just(..).block()} returns the value without subscribing (the JIT then
 * folds the whole bare row away), while a protected {@code Mono}'s pays the blocking subscriber and its latch, so
 * the rows compared unlike work. The sink allocates nothing, so what a row allocates is its publishers' own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReactiveBenchmarks {

    /** The woven publishers and Resilience4j's breaker; shared by all threads, as the call sites' state is. */
    @State(Scope.Benchmark)
    public static class Publishers {
        final ReactiveService service = new ReactiveService();
        io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker;

        @Setup
        public void setUp() {
            WovenService.requireWoven();
            r4jBreaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("reactive", CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(WovenService.WINDOW)
                    .minimumNumberOfCalls(WovenService.WINDOW)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofSeconds(30))
                    .build());
        }
    }

    /** The methods the agent protects. */
    public static class ReactiveService {
        @CircuitBreaker(windowSize = WovenService.WINDOW, minimumCalls = WovenService.WINDOW)
        public Mono<String> mono(String value) {
            return Mono.just(value);
        }

        @CircuitBreaker(windowSize = WovenService.WINDOW, minimumCalls = WovenService.WINDOW)
        public Flux<Integer> range() {
            return Flux.range(1, 10);
        }
    }

    /**
     * The subscriber of every row, one per thread and reused: it keeps its subscription, as a real subscriber
     * does, requests every item at once, and consumes them. Every row's publisher here ends before
     * {@code subscribe} returns; {@link #consume} fails the benchmark if one did not, or failed.
     */
    @State(Scope.Thread)
    public static class Sink implements CoreSubscriber<Object> {
        private Blackhole blackhole;
        private Subscription subscription;
        private boolean completed;
        private Throwable failure;

        void consume(Publisher<?> publisher, Blackhole blackhole) {
            this.blackhole = blackhole;
            completed = false;
            publisher.subscribe(this);
            if (!completed) {
                throw new IllegalStateException("the publisher did not complete on the subscribing thread", failure);
            }
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object item) {
            blackhole.consume(item);
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    @Benchmark
    public void monoJust_bare(Sink sink, Blackhole blackhole) {
        sink.consume(Mono.just("x"), blackhole);
    }

    @Benchmark
    public void monoJust_bulwark(Publishers p, Sink sink, Blackhole blackhole) {
        sink.consume(p.service.mono("x"), blackhole);
    }

    @Benchmark
    public void monoJust_resilience4j(Publishers p, Sink sink, Blackhole blackhole) {
        sink.consume(Mono.just("x").transformDeferred(CircuitBreakerOperator.of(p.r4jBreaker)), blackhole);
    }

    @Benchmark
    public void fluxRange_bare(Sink sink, Blackhole blackhole) {
        sink.consume(Flux.range(1, 10), blackhole);
    }

    @Benchmark
    public void fluxRange_bulwark(Publishers p, Sink sink, Blackhole blackhole) {
        sink.consume(p.service.range(), blackhole);
    }

    @Benchmark
    public void fluxRange_resilience4j(Publishers p, Sink sink, Blackhole blackhole) {
        sink.consume(Flux.range(1, 10).transformDeferred(CircuitBreakerOperator.of(p.r4jBreaker)), blackhole);
    }
}
