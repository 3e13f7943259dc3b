package dev.bulwark.agent.chain;

import dev.bulwark.agent.policy.NanoClock;
import dev.bulwark.agent.policy.budget.RetryBudget;
import dev.bulwark.agent.policy.budget.RetryBudgetSpec;
import dev.bulwark.agent.policy.circuitbreaker.CircuitBreakerListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Retry budgets are shared by name, and a reload keeps a budget, with its balance, when its settings are unchanged. */
class RetryBudgetRegistryTest {
    private static final long WINDOW = 10_000_000_000L;

    private final PolicyRegistry registry = new PolicyRegistry(NanoClock.SYSTEM, CircuitBreakerListener.NOOP);

    @Test
    void everyRetryNamingABudgetSharesIt() {
        RetryBudget first = registry.retryBudget(new RetryBudgetSpec("payments", 0.1, 10, WINDOW));

        assertThat(registry.retryBudget(new RetryBudgetSpec("payments", 0.1, 10, WINDOW))).isSameAs(first);
        assertThat(registry.retryBudget("payments")).isSameAs(first);
        assertThat(registry.retryBudgetNames()).containsExactly("payments");
    }

    @Test
    void aReloadKeepsAnUnchangedBudgetWithItsBalanceAndReplacesAChangedOne() {
        RetryBudget before = registry.retryBudget(new RetryBudgetSpec("payments", 0.1, 10, WINDOW));
        for (int i = 0; i < 30; i++) {
            before.deposit();
        }

        registry.beginReload();
        RetryBudget kept = registry.retryBudget(new RetryBudgetSpec("payments", 0.1, 10, WINDOW));
        assertThat(kept).isSameAs(before);
        assertThat(kept.balance()).isGreaterThan(2.9);

        registry.beginReload();
        RetryBudget changed = registry.retryBudget(new RetryBudgetSpec("payments", 0.2, 10, WINDOW));
        assertThat(changed).isNotSameAs(before);
        assertThat(changed.balance()).isZero();
    }
}
