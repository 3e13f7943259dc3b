package dev.bulwark.agent.policy.ratelimit;

import dev.bulwark.agent.policy.Allocations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.annotations.RateAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RateLimiterAllocationTest {
    private static final int CALLS = 100_000;
    private static final long PERIOD = 1_000_000;
    private static final int PERMITS = 10;

    @ParameterizedTest
    @EnumSource(RateAlgorithm.class)
    void aGrantAllocatesNothing(RateAlgorithm algorithm) {
        RateLimiter limiter = Limiters.create(algorithm, PERMITS, PERIOD);
        long[] clock = {0};
        Runnable grantedCalls = () -> {
            for (int i = 0; i < CALLS; i++) {
                clock[0] += PERIOD / PERMITS;
                if (limiter.reserve(clock[0], 0) != 0) {
                    throw new AssertionError("expected a grant at " + clock[0]);
                }
            }
        };
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            grantedCalls.run();
        }

        assertThat(Allocations.bytesAllocatedBy(grantedCalls)).isLessThan(CALLS);
    }

    @Test
    void aGrantForAKnownKeyAllocatesNothing() {
        KeyedRateLimiter limiter = new KeyedRateLimiter(Limiters.spec(RateAlgorithm.TOKEN_BUCKET, PERMITS, PERIOD));
        Object key = "customer-7";
        long[] clock = {0};
        Runnable grantedCalls = () -> {
            for (int i = 0; i < CALLS; i++) {
                clock[0] += PERIOD / PERMITS;
                if (limiter.reserve(key, clock[0], 0) != 0) {
                    throw new AssertionError("expected a grant at " + clock[0]);
                }
            }
        };
        for (int warmUp = 0; warmUp < 5; warmUp++) {
            grantedCalls.run();
        }

        assertThat(Allocations.bytesAllocatedBy(grantedCalls)).isLessThan(CALLS);
    }
}
