package dev.bulwark.agent.chain;

import dev.bulwark.TimeoutExceededException;
import dev.bulwark.agent.bootstrap.Invocation;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Chaos in the asynchronous driver: an injected delay is a timer, which a deadline or the caller cuts short. */
class ChaosAsyncTest {
    private static final long WAIT_SECONDS = 10;
    private static final AtomicInteger BODIES = new AtomicInteger();

    private final ChainFixture chains = new ChainFixture();

    static CompletionStage<String> body() {
        BODIES.incrementAndGet();
        return CompletableFuture.completedFuture("done");
    }

    /** A site of {@link #body} with {@code blocks}, and a chaos experiment delaying every call by an hour. */
    private int delayedSite(String... blocks) {
        Properties properties = new Properties();
        properties.setProperty("bulwark.chaos.experiments.0.class", "Example");
        properties.setProperty("bulwark.chaos.experiments.0.latency.rate", "1");
        properties.setProperty("bulwark.chaos.experiments.0.latency.delay", "1h");
        BulwarkConfig config = BulwarkConfig.load(null, ChaosAsyncTest.class.getClassLoader(), properties, Map.of(),
                problem -> {
                    throw new AssertionError(problem.toString());
                });
        chains.registry.chaos().apply(config.chaos());
        Map<PolicyKind, Config> declared = new EnumMap<>(PolicyKind.class);
        for (String block : blocks) {
            Config parsed = ConfigFactory.parseString(block);
            for (PolicyKind kind : PolicyKind.values()) {
                if (parsed.hasPath(kind.configKey())) {
                    declared.put(kind, parsed.getConfig(kind.configKey()));
                }
            }
        }
        SiteDefinition definition = new SiteDefinition(config.resolve("Example", "delayed", declared), null,
                new SiblingMethod("body", List.of(), null, true), Map.of(), 0);
        return chains.register(ChaosAsyncTest.class.getClassLoader(), "Example#delayed",
                definition.withChaos(config.chaos().experiments()));
    }

    private CompletableFuture<Object> call(ChainDispatcher dispatcher, int site) {
        Invocation invocation = dispatcher.enter(site);
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> stage = (CompletableFuture<Object>) dispatcher.async(invocation,
                ChaosAsyncTest.class, null, new Object[0]);
        return stage;
    }

    @Test
    void aDeadlineCutsAnInjectedDelayAndTheBodyNeverRuns() throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        int site = delayedSite("timeout { value = 200ms }");
        BODIES.set(0);
        assertThatThrownBy(() -> call(dispatcher, site).get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutExceededException.class);
        assertThat(BODIES).hasValue(0);
    }

    @Test
    void aCallerWhoCancelsDuringAnInjectedDelayGivesItsBulkheadSlotBackAtOnce() throws Exception {
        ChainDispatcher dispatcher = chains.dispatcher(CallObserver.NONE);
        int site = delayedSite("bulkhead { max-concurrent = 1 }");
        CompletableFuture<Object> first = call(dispatcher, site);
        assertThat(chains.registry.bulkheadActive(chains.registry.bulkheadNames().iterator().next())).isEqualTo(1);
        first.cancel(true);
        assertThat(chains.registry.bulkheadActive(chains.registry.bulkheadNames().iterator().next())).isZero();

        CompletableFuture<Object> second = call(dispatcher, site);
        assertThat(second).as("admitted, not refused by a slot the first call still held").isNotDone();
        second.cancel(true);
    }
}
