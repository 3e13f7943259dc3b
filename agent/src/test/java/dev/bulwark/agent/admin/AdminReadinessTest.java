package dev.bulwark.agent.admin;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;

import static org.assertj.core.api.Assertions.assertThat;

class AdminReadinessTest {
    @Test
    void readyWhenNoBreakerIsNamed() {
        assertThat(Readiness.openOnes(Collections.emptyList(), new HashSet<>(Arrays.asList("payments")))).isEmpty();
    }

    @Test
    void notReadyWhileANamedBreakerIsOpenListingTheOpenOnesInTheirOrder() {
        assertThat(Readiness.openOnes(Arrays.asList("pricing", "payments", "inventory"),
                new HashSet<>(Arrays.asList("payments", "pricing", "unrelated"))))
                .containsExactly("pricing", "payments");
    }

    @Test
    void anOpenBreakerNotNamedDoesNotMatter() {
        assertThat(Readiness.openOnes(Arrays.asList("payments"), new HashSet<>(Arrays.asList("pricing")))).isEmpty();
    }

    @Test
    void aNamedBreakerThatDoesNotExistYetCountsAsNotOpen() {
        assertThat(Readiness.openOnes(Arrays.asList("not-created-yet"), Collections.emptySet())).isEmpty();
    }
}
