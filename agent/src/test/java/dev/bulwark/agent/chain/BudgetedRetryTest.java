package dev.bulwark.agent.chain;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.policy.Allocations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A retry under a budget, through the synchronous driver. */
class BudgetedRetryTest {
    private final List<CallObserver.RetryOutcome> outcomes = new ArrayList<>();
    private final CallObserver observer = new CallObserver() {
        @Override
        public void retryFinished(String retryName, RetryOutcome outcome) {
            outcomes.add(outcome);
        }
    };
    private final ChainFixture chains = new ChainFixture(observer);
    private final ChainDispatcher dispatcher = chains.dispatcher(observer);

    private int budgetedSite(String budget, double ratio, int minPerSecond) {
        chains.properties.setProperty("bulwark.retry-budgets." + budget + ".ratio", String.valueOf(ratio));
        chains.properties.setProperty("bulwark.retry-budgets." + budget + ".min-per-second", String.valueOf(minPerSecond));
        return chains.site("retry { max-attempts = 3, delay = 0ms, budget = " + budget + " }");
    }

    private Invocation frame(Invocation entered, Throwable failure) {
        return entered.stateless ? dispatcher.endStateless(entered, failure) : entered;
    }

    @Test
    void whenTheBudgetRefusesTheLoopEndsWithTheLastFailure() {
        int site = budgetedSite("refusing", 0.5, 0);
        IllegalStateException failure = new IllegalStateException("down");

        // The first call deposits half a token: not enough for a retry.
        assertThat(dispatcher.exit(frame(dispatcher.enter(site), failure), failure)).isEqualTo(BulwarkBridge.PROCEED);
        // The second deposits the other half: one retry, then the budget is empty again.
        Invocation second = frame(dispatcher.enter(site), failure);
        assertThat(dispatcher.exit(second, failure)).isEqualTo(BulwarkBridge.REPEAT);
        assertThat(dispatcher.exit(second, failure)).isEqualTo(BulwarkBridge.PROCEED);

        assertThat(outcomes).containsExactly(CallObserver.RetryOutcome.BUDGET_EXHAUSTED,
                CallObserver.RetryOutcome.BUDGET_EXHAUSTED);
        assertThat(chains.registry.retryBudget("refusing").balance()).isZero();
    }

    @Test
    void aSuccessfulFirstAttemptUnderABudgetAllocatesNothing() {
        int site = budgetedSite("quiet", 0.1, 10);
        Runnable calls = () -> {
            for (int i = 0; i < 10_000; i++) {
                Invocation invocation = dispatcher.enter(site);
                if (invocation.stateless) {
                    dispatcher.endStateless(invocation, null);
                } else {
                    dispatcher.exit(invocation, null);
                }
            }
        };
        calls.run();

        assertThat(Allocations.bytesAllocatedBy(calls)).isLessThan(10_000);
        assertThat(chains.registry.retryBudget("quiet").balance()).isGreaterThan(1_000.0);
    }
}
