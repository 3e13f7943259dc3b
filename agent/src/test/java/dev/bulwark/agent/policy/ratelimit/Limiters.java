package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.annotations.RateAlgorithm;

/** Specs for tests: durations in plain nanoseconds so expected waits read as arithmetic. */
final class Limiters {
    private Limiters() {
    }

    static RateLimiterSpec spec(RateAlgorithm algorithm, int permits, long periodNanos) {
        return RateLimiterSpec.builder().name("limit").algorithm(algorithm).permits(permits).periodNanos(periodNanos)
                .build();
    }

    static RateLimiter create(RateAlgorithm algorithm, int permits, long periodNanos) {
        return RateLimiters.create(spec(algorithm, permits, periodNanos));
    }

    static int grantsNow(RateLimiter limiter, long nowNanos, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.reserve(nowNanos, 0) == 0) {
                granted++;
            }
        }
        return granted;
    }
}
