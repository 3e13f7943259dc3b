package dev.bulwark.agent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The bridge's fallback entry: the application's outcome passes, a fault of Bulwark's own never does. */
class BulwarkBridgeTest {
    private final Invocation invocation = new Invocation() {
    };
    private final IOException failure = new IOException("the method's own failure");

    @AfterEach
    void uninstall() {
        BulwarkBridge.install(null);
    }

    @Test
    void aFaultOfTheDispatcherIsReportedAndTheCallerGetsTheMethodsOwnFailure() {
        IllegalStateException fault = new IllegalStateException("a bug in Bulwark");
        FallbackDispatcher dispatcher = new FallbackDispatcher(() -> {
            throw fault;
        });
        BulwarkBridge.install(dispatcher);

        Throwable thrown = catchThrowable(() -> BulwarkBridge.fallback(invocation, Object.class, null, new Object[0], failure));

        assertThat(thrown).isSameAs(failure);
        assertThat(dispatcher.internalErrors).containsExactly(fault);
        assertThat(dispatcher.reportedFor).containsExactly(invocation);
    }

    @Test
    void theFallbackMethodsOwnExceptionReachesTheCallerUnchanged() {
        IllegalArgumentException fallbackMethodFailed = new IllegalArgumentException("no cached price either");
        FallbackDispatcher dispatcher = new FallbackDispatcher(() -> {
            throw new FallbackThrew(fallbackMethodFailed);
        });
        BulwarkBridge.install(dispatcher);

        Throwable thrown = catchThrowable(() -> BulwarkBridge.fallback(invocation, Object.class, null, new Object[0], failure));

        assertThat(thrown).isSameAs(fallbackMethodFailed);
        assertThat(dispatcher.internalErrors).isEmpty();
    }

    @Test
    void theFailurePassedBackIsNoFaultOfTheDispatcher() {
        FallbackDispatcher dispatcher = new FallbackDispatcher(() -> {
            throw failure;
        });
        BulwarkBridge.install(dispatcher);

        Throwable thrown = catchThrowable(() -> BulwarkBridge.fallback(invocation, Object.class, null, new Object[0], failure));

        assertThat(thrown).isSameAs(failure);
        assertThat(dispatcher.internalErrors).isEmpty();
    }

    @Test
    void theFallbackMethodsResultIsReturned() throws Throwable {
        BulwarkBridge.install(new FallbackDispatcher(() -> "cached price"));

        assertThat(BulwarkBridge.fallback(invocation, Object.class, null, new Object[0], failure)).isEqualTo("cached price");
    }

    private interface FallbackOutcome {
        Object get() throws Throwable;
    }

    private static final class FallbackDispatcher extends Dispatcher {
        private final FallbackOutcome outcome;
        final List<Throwable> internalErrors = new ArrayList<>();
        final List<Invocation> reportedFor = new ArrayList<>();

        FallbackDispatcher(FallbackOutcome outcome) {
            this.outcome = outcome;
        }

        @Override
        public Object fallback(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments,
                               Throwable failure) throws Throwable {
            return outcome.get();
        }

        @Override
        public void internalError(Invocation invocation, Throwable error) {
            internalErrors.add(error);
            reportedFor.add(invocation);
        }

        @Override
        public Invocation enter(int site) {
            throw new AssertionError("not called");
        }

        @Override
        public void admit(Invocation invocation, Object[] arguments) {
            throw new AssertionError("not called");
        }

        @Override
        public Invocation endStateless(Invocation invocation, Throwable thrown) {
            throw new AssertionError("not called");
        }

        @Override
        public int exit(Invocation invocation, Throwable thrown) {
            throw new AssertionError("not called");
        }

        @Override
        public Object async(Invocation invocation, Class<?> declaringType, Object self, Object[] arguments) {
            throw new AssertionError("not called");
        }

        @Override
        public void finish(Invocation invocation) {
            throw new AssertionError("not called");
        }
    }
}
