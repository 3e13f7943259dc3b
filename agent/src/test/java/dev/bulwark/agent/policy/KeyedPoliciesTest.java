package dev.bulwark.agent.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedPoliciesTest {
    private static final long INTERVAL = 1_000L;

    private long now;
    private final Set<String> pinned = new HashSet<>();
    private final List<Object> evicted = new ArrayList<>();
    private final AtomicInteger created = new AtomicInteger();
    private final KeyedPolicies<String> policies = new KeyedPolicies<>(10, INTERVAL, () -> now,
            key -> {
                created.incrementAndGet();
                return "policy of " + key;
            },
            policy -> !pinned.contains(policy), (key, policy) -> evicted.add(key));

    @Test
    void aKeyKeepsItsPolicy() {
        String first = policies.get("a");
        assertThat(policies.get("a")).isSameAs(first).isEqualTo("policy of a");
        assertThat(policies.get(null)).isEqualTo("policy of null");
        assertThat(created).hasValue(2);
    }

    @Test
    void aFloodOfKeysNeverRetainsMoreThanMaxKeys() {
        int served = 0;
        for (int key = 0; key < 100_000; key++) {
            now += 1;
            if (policies.get(key) != null) {
                served++;
            }
            assertThat(policies.size()).isLessThanOrEqualTo(10);
        }
        // Keys unused for a sweep interval made room for later ones.
        assertThat(served).isGreaterThan(100);
        assertThat(evicted).hasSize(created.get() - policies.size());
    }

    @Test
    void aPolicyUsedSinceTheLastSweepGetsASecondChance() {
        for (int key = 0; key < 5; key++) {
            policies.get(key);
        }
        now += INTERVAL;
        policies.get("trigger the first sweep");
        assertThat(evicted).isEmpty();

        policies.get(0);
        now += INTERVAL;
        policies.get("trigger the second sweep");
        assertThat(evicted).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(policies.get(0)).isEqualTo("policy of 0");
    }

    @Test
    void aPolicyThatDoesNotLetGoStaysAndANewKeyFindingNoRoomGetsNone() {
        for (int key = 0; key < 10; key++) {
            pinned.add("policy of " + key);
            policies.get(key);
        }
        for (int sweep = 0; sweep < 3; sweep++) {
            now += INTERVAL;
            assertThat(policies.get("new")).isNull();
        }
        assertThat(evicted).isEmpty();

        pinned.remove("policy of 3");
        now += INTERVAL;
        assertThat(policies.get("new")).isEqualTo("policy of new");
        assertThat(evicted).containsExactly(3);
    }
}
