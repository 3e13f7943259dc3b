package dev.bulwark.it.app.parity;

import dev.bulwark.annotations.Timeout;
import dev.bulwark.it.app.Report;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicInteger;

/** Mono methods that only chaos experiments of ReactiveIT's config select: a fault, and a delay a timeout cuts. */
public final class ReactiveChaos {
    private static final AtomicInteger FAULTY_BODIES = new AtomicInteger();

    public static void main(String[] args) throws Throwable {
        Report.run(ReactiveChaos.class, args);
    }

    public static Mono<String> faulty() {
        return Mono.fromCallable(() -> "body ran " + FAULTY_BODIES.incrementAndGet());
    }

    @Timeout("300ms")
    public static Mono<String> slow() {
        return Mono.just("in time");
    }

    public static void injected() {
        Report.put("faulty", outcome(faulty()));
        Report.put("faultyBodies", FAULTY_BODIES.get());
        long start = System.nanoTime();
        Report.put("slow", outcome(slow()));
        Report.put("slowMillis", (System.nanoTime() - start) / 1_000_000);
    }

    private static String outcome(Mono<String> call) {
        return call.map(value -> "ok:" + value)
                .onErrorResume(e -> Mono.just("failed:" + e.getClass().getSimpleName() + ":" + e.getMessage()))
                .block();
    }
}
