package dev.bulwark.agent.policy.budget;

import dev.bulwark.agent.policy.Allocations;
import dev.bulwark.agent.policy.NanoClock;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RetryBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final NanoClock clock = now::get;

    private RetryBudget budget(double ratio, int minPerSecond, long windowSeconds) {
        return new RetryBudget(new RetryBudgetSpec("payments", ratio, minPerSecond, windowSeconds * SECOND), clock);
    }

    private static int withdrawals(RetryBudget budget, int tries) {
        int allowed = 0;
        for (int i = 0; i < tries; i++) {
            if (budget.tryWithdraw()) {
                allowed++;
            }
        }
        return allowed;
    }

    @Test
    void eachFirstAttemptDepositsRatioOfATokenAndEachRetryTakesOne() {
        RetryBudget budget = budget(0.1, 0, 10);
        for (int i = 0; i < 25; i++) {
            budget.deposit();
        }

        assertThat(budget.balance()).isCloseTo(2.5, within(1e-9));
        assertThat(withdrawals(budget, 10)).isEqualTo(2);
        assertThat(budget.balance()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void minPerSecondRetriesAreAllowedInEverySecondWhateverTheBalance() {
        RetryBudget budget = budget(0.1, 3, 10);

        assertThat(withdrawals(budget, 10)).isEqualTo(3);
        now.addAndGet(SECOND);
        assertThat(withdrawals(budget, 10)).isEqualTo(3);
        assertThat(budget.balance()).isCloseTo(-6, within(1e-9));
    }

    @Test
    void depositsAndWithdrawalsExpireAfterTheWindow() {
        RetryBudget budget = budget(0.5, 0, 3);
        for (int i = 0; i < 10; i++) {
            budget.deposit();
        }
        assertThat(withdrawals(budget, 1)).isEqualTo(1);

        now.addAndGet(2 * SECOND);
        assertThat(budget.balance()).as("still within the 3 s window").isCloseTo(4, within(1e-9));
        now.addAndGet(SECOND);
        assertThat(budget.balance()).as("the window has passed").isZero();
        assertThat(withdrawals(budget, 1)).isZero();
    }

    @Test
    void aWindowIsRoundedUpToWholeSeconds() {
        RetryBudget budget = new RetryBudget(new RetryBudgetSpec("b", 1.0, 0, 1_500_000_000L), clock);
        budget.deposit();

        now.addAndGet(SECOND);
        assertThat(budget.balance()).isEqualTo(1.0);
        now.addAndGet(SECOND);
        assertThat(budget.balance()).isZero();
    }

    @Test
    void aClockReadFromBeforeTheSlotMovedOnNeverOverwritesTheNewerSecond() {
        AtomicLong staleRead = new AtomicLong(-1);
        RetryBudget budget = new RetryBudget(new RetryBudgetSpec("b", 1.0, 0, 2 * SECOND), () -> {
            long stale = staleRead.getAndSet(-1);
            return stale >= 0 ? stale : now.get();
        });
        long before = now.get();
        budget.deposit();
        now.addAndGet(2 * SECOND);
        budget.deposit();

        // A thread whose clock read is from two seconds ago finds its slot counting the newer second: it reads again.
        staleRead.set(before);
        budget.deposit();

        assertThat(budget.balance()).isEqualTo(2.0);
    }

    @Test
    void depositsAndWithdrawalsAllocateNothing() {
        RetryBudget budget = budget(0.1, 10, 10);
        Runnable calls = () -> {
            for (int i = 0; i < 10_000; i++) {
                budget.deposit();
                budget.tryWithdraw();
            }
        };
        calls.run();

        assertThat(Allocations.bytesAllocatedBy(calls)).isLessThan(10_000);
    }
}
