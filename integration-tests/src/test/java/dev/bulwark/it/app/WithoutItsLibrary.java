package dev.bulwark.it.app;

import dev.bulwark.annotations.Retry;
import reactor.core.publisher.Mono;

/**
 * A class built against Reactor and run without it, as a library's optional reactive methods are: its method
 * returning a {@code Mono} can never run, but the class's other methods are protected as ever.
 */
public final class WithoutItsLibrary {
    public static void main(String[] args) throws Throwable {
        Report.run(WithoutItsLibrary.class, args);
    }

    public static void plainMethodOfAClassWithAPublisherMethod() {
        Service service = new Service();
        Report.put("plain", Report.outcome(service::fetch));
        Report.put("plainAttempts", service.attempts);
    }

    public static final class Service {
        int attempts;

        @Retry(maxAttempts = 3, delay = "1ms")
        public String fetch() {
            if (++attempts < 3) {
                throw new IllegalStateException("attempt " + attempts);
            }
            return "ok";
        }

        @Retry(maxAttempts = 3, delay = "1ms")
        public Mono<String> fetchReactively() {
            return Mono.just("never called");
        }
    }
}
