package dev.bulwark.springapp;

import dev.bulwark.annotations.Bulkhead;
import dev.bulwark.annotations.CircuitBreaker;
import dev.bulwark.annotations.Fallback;
import dev.bulwark.annotations.Retry;
import dev.bulwark.annotations.Timeout;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** Calls the downstream over WebClient; each method is protected per subscription of the Mono it returns. */
@Service
public class PriceClient {
    private final WebClient.Builder builder;
    private final Environment environment;
    private volatile WebClient web;

    public PriceClient(WebClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    @Retry(maxAttempts = 3, delay = "10ms")
    public Mono<String> flaky() {
        return get("/downstream/flaky");
    }

    @Timeout("300ms")
    public Mono<String> slow() {
        return get("/downstream/slow?ms=3000");
    }

    @CircuitBreaker(name = "prices", windowSize = 4, minimumCalls = 4, failureRateThreshold = 50, waitInOpen = "60s")
    @Fallback(method = "cachedPrice")
    public Mono<String> down() {
        return get("/downstream/down");
    }

    Mono<String> cachedPrice(Throwable failure) {
        return Mono.just("cached");
    }

    @Bulkhead(maxConcurrent = 1, maxWait = "0ms")
    public Mono<String> guarded() {
        return get("/downstream/slow?ms=1500");
    }

    private Mono<String> get(String path) {
        WebClient client = web;
        if (client == null) {
            client = builder.baseUrl("http://127.0.0.1:" + environment.getProperty("local.server.port")).build();
            web = client;
        }
        return client.get().uri(path).retrieve().bodyToMono(String.class);
    }
}
