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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One subscription to a {@code Mono.just} and to a {@code Flux.range(1, 10)}: bare, returned by a method the
 * agent protects with a circuit breaker (each subscription one protected call), and wrapped in Resilience4j's
 * Reactor circuit-breaker operator configured alike. Each is subscribed to and waited for with
 * {@code block}/{@code blockLast}, the same for every row.
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

    @Benchmark
    public String monoJust_bare() {
        return Mono.just("x").block();
    }

    @Benchmark
    public String monoJust_bulwark(Publishers p) {
        return p.service.mono("x").block();
    }

    @Benchmark
    public String monoJust_resilience4j(Publishers p) {
        return Mono.just("x").transformDeferred(CircuitBreakerOperator.of(p.r4jBreaker)).block();
    }

    @Benchmark
    public Integer fluxRange_bare() {
        return Flux.range(1, 10).blockLast();
    }

    @Benchmark
    public Integer fluxRange_bulwark(Publishers p) {
        return p.service.range().blockLast();
    }

    @Benchmark
    public Integer fluxRange_resilience4j(Publishers p) {
        return Flux.range(1, 10).transformDeferred(CircuitBreakerOperator.of(p.r4jBreaker)).blockLast();
    }
}
