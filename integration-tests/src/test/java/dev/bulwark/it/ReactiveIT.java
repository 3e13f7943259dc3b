package dev.bulwark.it;

import dev.bulwark.it.app.BreakerScenarios;
import dev.bulwark.it.app.parity.ReactiveChaos;
import dev.bulwark.it.app.parity.ReactiveParity;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.bulwark.it.Parity.assertEveryTwin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Methods returning Reactor's {@code Mono} and {@code Flux}, RxJava 3's and Mutiny's types, protected per
 * subscription by the agent: every policy the same as through a synchronous method and one returning a stage,
 * then what only publishers have. Run against both ends of each library's supported range, each on the class
 * path as an application ships it.
 */
class ReactiveIT {
    private static final String SITE = "dev.bulwark.it.app.parity.ReactiveParity#";
    private static final String DOWN = "failed:IllegalStateException:downstream failed";

    @Test
    void everyPolicyActsOnEachReactiveTypeAsOnPlainAndAsynchronousCallsWithTheNewestLibraries() throws Exception {
        checkEverything(run("newest"));
    }

    @Test
    void everyPolicyActsOnEachReactiveTypeAsOnPlainAndAsynchronousCallsWithTheOldestLibraries() throws Exception {
        checkEverything(run("oldest"));
    }

    @Test
    void anApplicationWhoseMethodsReturnNoPublisherLoadsNothingOfTheReactiveLibraries() throws Exception {
        ScenarioResult result = AgentJvm.withAgent().classPath(classPath("newest")).option("-Xlog:class+load=info")
                .run(BreakerScenarios.class, "aBreakerSharedByName");

        assertThat(result.get("refund")).isEqualTo("CircuitOpenException:circuit breaker 'payments' is open");
        assertThat(result.stdout()).contains("dev.bulwark.agent.chain.ChainDispatcher")
                .doesNotContain("reactor.core.").doesNotContain("org.reactivestreams.")
                .doesNotContain("dev.bulwark.agent.chain.ReactiveInvocation");
    }

    /** The Reactor adapter is stored for its own loader; no class of Reactor's, nor of reactive-streams', ships. */
    @Test
    void theAgentJarHoldsTheReactorAdapterButNoReactorClass() throws IOException {
        try (JarFile jar = new JarFile(AgentJvm.AGENT_JAR.toFile())) {
            List<String> entries = jar.stream().map(JarEntry::getName).collect(Collectors.toList());

            assertThat(entries).contains("inst/reactor/dev/bulwark/agent/reactive/reactor/ProtectedMono.classdata")
                    .noneMatch(name -> name.contains("reactor/core/") || name.contains("org/reactivestreams/"))
                    .noneMatch(name -> name.startsWith("dev/bulwark/agent/reactive/reactor/"));
        }
    }

    /** Chaos reaches a publisher's subscription as it reaches a body: a fault in its place, a delay a timeout cuts. */
    @Test
    void chaosExperimentsInjectIntoEachSubscription(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("chaos.conf"), "bulwark.chaos { enabled = true, experiments = [\n"
                + "  { class = \"" + ReactiveChaos.class.getName() + "\", method = faulty,"
                + " fault { rate = 1.0, exception = java.io.IOException, message = injected } }\n"
                + "  { class = \"" + ReactiveChaos.class.getName() + "\", method = slow, latency { rate = 1.0, delay = 20s } }\n"
                + "] }\n");
        ScenarioResult result = AgentJvm.withAgent().classPath(classPath("newest")).agentArguments("config=" + config)
                .run(ReactiveChaos.class, "injected");

        assertThat(result.get("faulty")).as(result.toString()).isEqualTo("failed:IOException:injected");
        assertThat(result.getInt("faultyBodies")).isZero();
        assertThat(result.get("slow")).startsWith("failed:TimeoutExceededException:");
        assertThat(result.getLong("slowMillis")).isLessThan(10_000);
    }

    private static ScenarioResult run(String end) throws Exception {
        return AgentJvm.withAgent().classPath(classPath(end)).run(ReactiveParity.class, "everything");
    }

    /** The fixtures with the jars of one end of the libraries' ranges. */
    private static String classPath(String end) throws IOException {
        String jars = System.getProperty("bulwark.it.reactive.jars");
        assumeTrue(jars != null, "bulwark.it.reactive.jars is not set: run through Maven");
        Path dir = Paths.get(jars, end);
        try (Stream<Path> files = Files.list(dir)) {
            return AgentJvm.classPath() + File.pathSeparator
                    + files.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
        }
    }

    private static void checkEverything(ScenarioResult result) {
        for (int i = 1; i <= 3; i++) {
            assertEveryTwin(result, "breaker.failing" + i, DOWN);
        }
        assertEveryTwin(result, "breaker.succeeding", "ok:ok");
        assertEveryTwin(result, "breaker.opened", "OPEN");
        assertEveryTwin(result, "breaker.rejected", "failed:CircuitOpenException:circuit breaker '" + SITE + "guarded' is open");
        assertEveryTwin(result, "breaker.bodyRuns", "4");
        assertEveryTwin(result, "breaker.trial1", "ok:ok");
        assertEveryTwin(result, "breaker.halfOpen", "HALF_OPEN");
        assertEveryTwin(result, "breaker.trial2", "ok:ok");
        assertEveryTwin(result, "breaker.closed", "CLOSED");

        assertEveryTwin(result, "retry.recovered", "ok:ok after 3");
        assertEveryTwin(result, "retry.recoveredRuns", "3");
        assertEveryTwin(result, "retry.exhausted", "failed:IllegalStateException:attempt 3");
        assertEveryTwin(result, "retry.exhaustedRuns", "3");
        assertEveryTwin(result, "retry.aborted", "failed:IllegalArgumentException:bad input");
        assertEveryTwin(result, "retry.abortedRuns", "1");

        assertEveryTwin(result, "timeout.outcome", "failed:TimeoutExceededException:call '" + SITE + "hangs' ran past its timeout");
        assertEveryTwin(result, "timeout.bodyRuns", "2");
        assertThat(result.get("MONO.timeout.upstreamCancelled")).as("each timed-out Mono cancelled").isEqualTo("2");
        assertThat(result.get("FLUX.timeout.upstreamCancelled")).as("each timed-out Flux cancelled").isEqualTo("2");

        assertEveryTwin(result, "bulkhead.firstEntered", "true");
        assertEveryTwin(result, "bulkhead.second", "failed:BulkheadFullException:bulkhead '" + SITE + "occupies' is full");
        assertEveryTwin(result, "bulkhead.first", "ok:done");
        assertEveryTwin(result, "bulkhead.third", "ok:done");

        assertEveryTwin(result, "limiter.first", "ok:ok");
        assertEveryTwin(result, "limiter.second", "ok:ok");
        assertEveryTwin(result, "limiter.third", value -> value.startsWith("failed:RateLimitedException:rate limiter '" + SITE + "limited'"));

        assertEveryTwin(result, "fallback.outcome", "ok:recovered from down");
        assertEveryTwin(result, "fallback.bodyRuns", "2");

        assertThat(result.get("MONO.fallbackOfTheSameType")).isEqualTo("ok:from the fallback's Mono");
        assertThat(result.get("FLUX.fallbackOfTheSameType")).isEqualTo("ok:[a, b]");

        assertThat(result.get("FLUX.midStream")).as("a failure after items is neither retried nor replaced")
                .isEqualTo("failed:IllegalStateException:mid-stream");
        assertThat(result.get("FLUX.midStreamItems")).isEqualTo("[1, 2]");
        assertThat(result.get("FLUX.midStreamRuns")).isEqualTo("1");

        assertThat(result.get("FLUX.stalled")).as("the timeout bounds the whole stream")
                .isEqualTo("failed:TimeoutExceededException:call '" + SITE + "stallsAfterTwo' ran past its timeout");
        assertThat(result.get("FLUX.stalledItems")).isEqualTo("[1, 2]");
        assertThat(result.get("FLUX.stalledCancelled")).isEqualTo("1");

        assertThat(result.get("FLUX.demand")).as("every item, requested seven at a time").isEqualTo("5050");
        assertThat(result.get("FLUX.taken")).isEqualTo("[1, 2, 3]");
        assertThat(result.get("FLUX.breakerAfterTake")).isEqualTo("CLOSED");
        assertThat(result.get("FLUX.breakerRecorded")).as("a completed stream recorded, a cancelled one not").isEqualTo("1");
        assertThat(result.get("FLUX.breakerFailures")).isEqualTo("0");

        assertThat(result.get("FLUX.heldWhileSubscribed")).as("the slot is held while subscribed")
                .isEqualTo("failed:BulkheadFullException:bulkhead '" + SITE + "heldStream' is full");
        assertThat(result.get("FLUX.cancelledUpstream")).isEqualTo("1");
        assertThat(result.get("FLUX.afterCancel")).as("cancelling gave the slot back").isEqualTo("ok:1");
        assertThat(result.get("FLUX.afterTake")).as("take's cancel gave the slot back").isEqualTo("ok:1");
        assertThat(result.get("MONO.heldWhileSubscribed"))
                .isEqualTo("failed:BulkheadFullException:bulkhead '" + SITE + "heldSingle' is full");
        assertThat(result.get("MONO.cancelledUpstream")).isEqualTo("1");
        assertThat(result.get("MONO.afterCancel")).isEqualTo("ok:ok");

        assertThat(result.get("MONO.runsBeforeSubscribing")).as("nothing runs before a subscription").isEqualTo("0");
        assertThat(result.get("MONO.firstSubscription")).isEqualTo("ok:ok");
        assertThat(result.get("MONO.secondSubscription")).as("each subscription is a call")
                .startsWith("failed:RateLimitedException:rate limiter '" + SITE + "oncePerMinute'");
        assertThat(result.get("MONO.runsAfterTwoSubscriptions")).isEqualTo("1");

        assertThat(result.get("MONO.subscriberContext")).as("the subscriber's Reactor context reaches the body's Mono")
                .isEqualTo("ada");
        assertThat(result.get("FLUX.subscriberContext")).as("and the body's Flux").isEqualTo("ada");

        assertThat(result.get("MONO.permitNow")).isEqualTo("ok:ok");
        assertThat(result.get("MONO.permitAfterWaiting")).as("the limiter's wait is scheduled").isEqualTo("ok:ok");
        assertThat(result.get("MONO.slotWhileHeld")).isEqualTo("waiting");
        assertThat(result.get("MONO.slotAfterCancel")).as("a waiting subscription gets the slot a cancel freed")
                .isEqualTo("ok:ok");
        assertThat(result.get("MONO.poolThread")).startsWith("bulwark-bulkhead-" + SITE + "onThePool");

        checkRxJavaAndMutiny(result);
    }

    /** The same policies through RxJava 3's and Mutiny's types; a Completable has no value, it only completes. */
    private static void checkRxJavaAndMutiny(ScenarioResult result) {
        SoftAssertions softly = new SoftAssertions();
        for (String type : new String[] {"SINGLE", "MAYBE", "COMPLETABLE", "FLOWABLE", "OBSERVABLE", "UNI", "MULTI"}) {
            String site = "dev.bulwark.it.app.parity.RxJavaAndMutiny#";
            String suffix = type.charAt(0) + type.substring(1).toLowerCase();
            boolean valueless = type.equals("COMPLETABLE");
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("recovered", valueless ? "ok:(none)" : "ok:ok after 3");
            expected.put("recoveredRuns", "3");
            expected.put("fellBack", valueless ? "ok:(none)" : "ok:fallback after IllegalStateException");
            expected.put("fellBackRuns", "3");
            expected.put("timedOut", valueless ? "ok:(none)" : "ok:fallback after TimeoutExceededException");
            expected.put("timedOutCancelled", "1");
            expected.put("guarded1", "failed:IllegalStateException:attempt 1");
            expected.put("guarded2", "failed:IllegalStateException:attempt 2");
            expected.put("guardedOpen", "failed:CircuitOpenException:circuit breaker '" + site + "guarded" + suffix + "' is open");
            expected.put("guardedRuns", "2");
            expected.put("heldFull", "failed:BulkheadFullException:bulkhead '" + site + "held" + suffix + "' is full");
            expected.put("heldCancelled", "1");
            expected.put("heldAfterCancel", valueless ? "ok:(none)" : "ok:ok after 1");
            expected.put("limitedRunsBeforeSubscribing", "0");
            expected.put("limitedFirst", valueless ? "ok:(none)" : "ok:ok after 1");
            expected.put("limitedSecond", "failed:RateLimitedException:rate limiter '" + site + "limited" + suffix
                    + "' granted no permit");
            expected.forEach((key, value) -> softly.assertThat(result.get(type + "." + key)).as(type + " " + key).isEqualTo(value));
        }
        softly.assertAll();
    }
}
