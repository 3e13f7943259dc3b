package dev.bulwark.agent.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class UnwrappingTest {
    private final Unwrapping defaults = Unwrapping.defaults();

    @Test
    void looksThroughNestedDefaultWrappersToTheFirstCauseThatIsNotOne() {
        IOException cause = new IOException("down");
        Throwable wrapped = new CompletionException(new ExecutionException(
                new UndeclaredThrowableException(new InvocationTargetException(cause))));

        assertThat(defaults.judged(wrapped)).isSameAs(cause);
        assertThat(defaults.judgedType(wrapped)).isEqualTo(IOException.class);
    }

    @Test
    void stopsAtTheFirstCauseThatIsNotAWrapperEvenWhenAWrapperFollows() {
        IllegalStateException outer = new IllegalStateException("ours", new CompletionException(new IOException()));

        assertThat(defaults.judged(new CompletionException(outer))).isSameAs(outer);
        assertThat(defaults.judged(outer)).isSameAs(outer);
    }

    @Test
    void aWrapperWithoutACauseIsJudgedAsItself() {
        CompletionException bare = new CompletionException("no cause", null);

        assertThat(defaults.judged(bare)).isSameAs(bare);
        assertThat(defaults.judgedType(null)).isNull();
    }

    @Test
    void subclassesOfAWrapperAreWrappersToo() {
        IOException cause = new IOException();

        assertThat(defaults.judged(new CompletionException(cause) { })).isSameAs(cause);
    }

    @Test
    void theConfiguredListReplacesTheDefaults() {
        IOException cause = new IOException();
        Unwrapping onlyRuntime = Unwrapping.of(List.of("java.lang.RuntimeException"));
        Unwrapping none = Unwrapping.of(List.of());

        assertThat(onlyRuntime.judged(new RuntimeException(cause))).isSameAs(cause);
        assertThat(onlyRuntime.judged(new ExecutionException(cause))).isInstanceOf(ExecutionException.class);
        CompletionException wrapped = new CompletionException(cause);
        assertThat(none.judged(wrapped)).isSameAs(wrapped);
    }

    @Test
    void aCauseCycleEndsTheWalk() {
        CompletionException first = new CompletionException() { };
        CompletionException second = new CompletionException(first);
        first.initCause(second);

        assertThat(defaults.judged(first)).isInstanceOf(CompletionException.class);
    }
}
