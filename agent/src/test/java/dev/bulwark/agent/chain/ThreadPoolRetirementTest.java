package dev.bulwark.agent.chain;

import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.config.SitePolicies;
import dev.bulwark.agent.policy.bulkhead.ThreadPoolBulkhead;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A thread pool bulkhead that a reload leaves without a site ends its threads once its last body ran. */
class ThreadPoolRetirementTest {
    private static final long WAIT_SECONDS = 30;
    private static final BulwarkConfig CONFIG = BulwarkConfig.load(null, ThreadPoolRetirementTest.class.getClassLoader(),
            new Properties(), Map.of(), problem -> {
                throw new AssertionError(problem.toString());
            });

    private final ChainFixture fixture = new ChainFixture();

    @Test
    void aPoolARenamingReloadLeftBehindEndsItsThreadsAfterTheBodyInFlight() throws Exception {
        String name = "reports-renamed-" + System.nanoTime();
        int site = fixture.register(getClass().getClassLoader(), "Reports#render()", pooled(name));

        assertRetiredAfterItsBodyInFlight(site, name,
                definition -> definition.with(policies("name = \"" + name + "-v2\", type = THREAD_POOL")));
        assertThat(fixture.sites.get(site).threadPool).as("the new pool of the renamed bulkhead").isNotNull();
        assertThat(fixture.registry.bulkheadNames()).contains(name + "-v2").doesNotContain(name);
    }

    @Test
    void aPoolAReloadDroppedEndsItsThreadsAfterTheBodyInFlight() throws Exception {
        String name = "reports-dropped-" + System.nanoTime();
        int site = fixture.register(getClass().getClassLoader(), "Reports#render()", pooled(name));

        assertRetiredAfterItsBodyInFlight(site, name, definition -> definition.with(definition.policies().without(PolicyKind.BULKHEAD)));
        assertThat(fixture.sites.get(site).threadPool).isNull();
        assertThat(fixture.registry.bulkheadNames()).doesNotContain(name);
    }

    @Test
    void aPoolStillNamedByASiteKeepsItsThreads() throws Exception {
        String name = "reports-kept-" + System.nanoTime();
        int kept = fixture.register(getClass().getClassLoader(), "Reports#render()", pooled(name));
        SiteDefinition other = pooled(name);
        fixture.register(getClass().getClassLoader(), "Reports#export()", other);
        ThreadPoolBulkhead pool = fixture.sites.get(kept).threadPool;

        fixture.sites.reconfigure(definition -> definition == other
                ? definition.with(definition.policies().without(PolicyKind.BULKHEAD)) : definition);

        assertThat(fixture.sites.get(kept).threadPool).isSameAs(pool);
        assertThat(pool.submit(() -> CompletableFuture.completedFuture("ran")).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(threadsOf(name)).isNotEmpty();
    }

    private void assertRetiredAfterItsBodyInFlight(int site, String name, UnaryOperator<SiteDefinition> reload) throws Exception {
        ThreadPoolBulkhead old = fixture.sites.get(site).threadPool;
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> inFlight = old.submit(() -> {
            started.countDown();
            await(release);
            return CompletableFuture.completedFuture("finished");
        });
        assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(fixture.sites.reconfigure(reload)).isEqualTo(1);

        assertThat(fixture.sites.get(site).threadPool).isNotSameAs(old);
        assertThat(threadsOf(name)).as("the pool's threads while its body runs").isNotEmpty().allMatch(Thread::isAlive);
        release.countDown();
        assertThat(inFlight.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("finished");
        assertThat(old.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).as("the pool's threads ended").isTrue();
        for (Thread thread : threadsOf(name)) {
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        assertThat(threadsOf(name)).as("threads of the pool left behind").isEmpty();
    }

    private static List<Thread> threadsOf(String bulkhead) {
        Pattern names = Pattern.compile(Pattern.quote("bulwark-bulkhead-" + bulkhead + "-") + "\\d+");
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> names.matcher(thread.getName()).matches() && thread.isAlive())
                .collect(Collectors.toList());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SiteDefinition pooled(String name) {
        return new SiteDefinition(policies("name = \"" + name + "\", type = THREAD_POOL"), null,
                new SiblingMethod("render", List.of(), null, false), Map.of(), 0);
    }

    private static SitePolicies policies(String bulkhead) {
        return CONFIG.resolve("Reports", "render", Map.of(PolicyKind.BULKHEAD, ConfigFactory.parseString(bulkhead)));
    }
}
