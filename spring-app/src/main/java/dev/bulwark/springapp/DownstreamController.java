package dev.bulwark.springapp;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The dependency {@link PriceClient} calls over HTTP: flaky, slow or down, and counting what reached it. */
@RestController
public class DownstreamController {
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final AtomicInteger downCalls = new AtomicInteger();

    /** Fails twice, then answers, again and again. */
    @GetMapping("/downstream/flaky")
    public Mono<String> flaky() {
        return flakyCalls.incrementAndGet() % 3 == 0 ? Mono.just("flaky ok")
                : Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @GetMapping("/downstream/slow")
    public Mono<String> slow(@RequestParam("ms") long millis) {
        return Mono.delay(Duration.ofMillis(millis)).thenReturn("slow");
    }

    @GetMapping("/downstream/down")
    public Mono<String> down() {
        downCalls.incrementAndGet();
        return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @GetMapping("/downstream/down/calls")
    public Mono<String> downCalls() {
        return Mono.just(String.valueOf(downCalls.get()));
    }
}
