package dev.bulwark.springapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/** Serves quotes from a flaky downstream; prints {@code PORT=n} once it listens, for the tests to find it. */
@SpringBootApplication
public class QuoteApplication {
    public static void main(String[] args) {
        SpringApplication.run(QuoteApplication.class, args);
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announcePort() {
        return event -> System.out.println("PORT=" + event.getWebServer().getPort());
    }
}
