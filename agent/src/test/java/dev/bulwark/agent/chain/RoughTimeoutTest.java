package dev.bulwark.agent.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.agent.bootstrap.BulwarkBridge;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.policy.MillisecondClock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An attempt under a timeout of a second or more, judged by its owner when it ends: its deadline counts from the
 * millisecond clock's reading, and is never taken as passed before the call could have run its whole timeout.
 */
class RoughTimeoutTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    private static final long STARTED_AT = 100 * MS;

    private final AtomicLong exact = new AtomicLong(STARTED_AT);
    private final MillisecondClock millisecond = MillisecondClock.driven(exact::get);
    private final ChainFixture chains = new ChainFixture(exact::get, millisecond);
    private final ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
    private final int site = chains.site("timeout { value = 2s, interrupt = false }");

    @Test
    void anAttemptEndingPastItsDeadlineTimesOut() {
        Invocation call = dispatcher.enter(site);
        tickAt(STARTED_AT + MS);

        tickAt(STARTED_AT + 2 * SECOND + MillisecondClock.STALE_NANOS + MS);

        assertThat(dispatcher.exit(call, null)).isEqualTo(BulwarkBridge.THROW | BulwarkBridge.TIMED_OUT);
        dispatcher.finish(call);
    }

    @Test
    void anAttemptWhoseReadingStalledIsNotTimedOutBeforeTheStallsEndPlusTheTimeout() {
        Invocation call = dispatcher.enter(site);
        // the clock's thread replaced the call's reading only 300 ms later: the call may have started then
        long stallEnd = STARTED_AT + 300 * MS;
        tickAt(stallEnd);

        tickAt(stallEnd + 2 * SECOND - MS);
        assertThat(dispatcher.exit(call, null)).isEqualTo(BulwarkBridge.PROCEED);

        Invocation late = dispatcher.enter(site);
        tickAt(exact.get() + 300 * MS);
        tickAt(exact.get() + 2 * SECOND + MS);
        assertThat(dispatcher.exit(late, null)).isEqualTo(BulwarkBridge.THROW | BulwarkBridge.TIMED_OUT);
        dispatcher.finish(late);
    }

    private void tickAt(long exactNanos) {
        exact.set(exactNanos);
        millisecond.tick();
    }
}
