package dev.bulwark.springapp;

import dev.bulwark.BulwarkException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/** Each endpoint answers what its protected call gave: the value, Bulwark's refusal, or the downstream's status. */
@RestController
public class PriceController {
    private final PriceClient prices;

    public PriceController(PriceClient prices) {
        this.prices = prices;
    }

    @GetMapping("/price/flaky")
    public Mono<String> flaky() {
        return answer(prices.flaky());
    }

    @GetMapping("/price/slow")
    public Mono<String> slow() {
        return answer(prices.slow());
    }

    @GetMapping("/price/down")
    public Mono<String> down() {
        return answer(prices.down());
    }

    @GetMapping("/price/guarded")
    public Mono<String> guarded() {
        return answer(prices.guarded());
    }

    private static Mono<String> answer(Mono<String> call) {
        return call.onErrorResume(BulwarkException.class, e -> Mono.just(e.getClass().getSimpleName()))
                .onErrorResume(WebClientResponseException.class, e -> Mono.just("status " + e.getStatusCode().value()));
    }
}
