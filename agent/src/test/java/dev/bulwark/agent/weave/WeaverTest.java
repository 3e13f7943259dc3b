package dev.bulwark.agent.weave;

import dev.bulwark.agent.chain.CallObserver;
import dev.bulwark.agent.chain.CallSites;
import dev.bulwark.agent.chain.PolicyRegistry;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.policy.NanoClock;
import org.junit.jupiter.api.Test;

import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The raw-bytes prefilter: which classes are handed to Byte Buddy at all. */
class WeaverTest {
    private static final byte[] NAMES_AN_ANNOTATION =
            "\u0001\u0000\u001fLdev/bulwark/annotations/Retry;\u0001".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] PLAIN = "\u0001\u0000\u0012Ljava/lang/String;\u0001".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void onlyClassesThatNameABulwarkAnnotationOrThatTheConfigSelectsGoToByteBuddy() {
        Weaver weaver = weaver("[{ class = \"com.acme.legacy.*\", timeout { value = 3s } }]");

        assertThat(weaver.mayProtect("com/acme/Service", NAMES_AN_ANNOTATION)).isTrue();
        assertThat(weaver.mayProtect("com/acme/legacy/Client", PLAIN)).isTrue();
        assertThat(weaver.mayProtect("com/acme/Service", PLAIN)).isFalse();
        assertThat(weaver.mayProtect(null, NAMES_AN_ANNOTATION)).isFalse();
    }

    /**
     * The agent's own classes load through the transformer while Byte Buddy is being built for the first
     * protected class; handing one of them (or a JDK class) to the weaver then would build it again, inside itself.
     */
    @Test
    void theAgentItsAnnotationsTheJdkAndTheOpenTelemetryAgentAreNeverWovenEvenWhenTheConfigSelectsEverything() {
        Weaver weaver = weaver("[{ class = \"**\", timeout { value = 3s } }]");

        assertThat(weaver.mayProtect("com/acme/Anything", PLAIN)).isTrue();
        for (String name : List.of("java/util/ArrayList", "jdk/internal/misc/Unsafe", "sun/misc/Signal",
                "com/sun/net/httpserver/HttpServer", "dev/bulwark/agent/weave/Weaver",
                "dev/bulwark/shaded/bytebuddy/ByteBuddy", "dev/bulwark/annotations/Backoff", "dev/bulwark/annotations/Retry",
                "io/opentelemetry/javaagent/OpenTelemetryAgent")) {
            assertThat(weaver.mayProtect(name, NAMES_AN_ANNOTATION)).as(name).isFalse();
        }
    }

    @Test
    void whenByteBuddyCannotBeBuiltClassesLoadUnprotectedAndItIsNotTriedAgain() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Weaver weaver = new Weaver(config("[]"), sites(), w -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("broken on purpose");
        });
        ClassFileTransformer prefilter = weaver.prefilter();

        assertThat(prefilter.transform(null, null, "com/acme/First", null, null, NAMES_AN_ANNOTATION)).isNull();
        assertThat(prefilter.transform(null, null, "com/acme/Second", null, null, NAMES_AN_ANNOTATION)).isNull();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void byteBuddyIsBuiltOnceAtTheFirstClassThatMayNeedWeaving() throws Exception {
        AtomicInteger built = new AtomicInteger();
        byte[] woven = {1, 2, 3};
        Weaver weaver = new Weaver(config("[]"), sites(), w -> {
            built.incrementAndGet();
            return new ClassFileTransformer() {
                @Override
                public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                        ProtectionDomain domain, byte[] classFile) {
                    return woven;
                }
            };
        });
        ClassFileTransformer prefilter = weaver.prefilter();

        assertThat(prefilter.transform(null, null, "com/acme/Plain", null, null, PLAIN)).isNull();
        assertThat(built).hasValue(0);
        assertThat(prefilter.transform(null, null, "com/acme/First", null, null, NAMES_AN_ANNOTATION)).isSameAs(woven);
        assertThat(prefilter.transform(null, null, "com/acme/Second", null, null, NAMES_AN_ANNOTATION)).isSameAs(woven);
        assertThat(built).hasValue(1);
    }

    @Test
    void whileTheBuiltInDefaultsAreReadNoClassIsSelectedByNameAndTheFirstClassToPlanWaitsForThem() throws Exception {
        CompletableFuture<BulwarkConfig> reading = new CompletableFuture<>();
        Weaver weaver = new Weaver(reading, sites());
        CompletableFuture<BulwarkConfig> planned = new CompletableFuture<>();
        Thread planning = new Thread(() -> weaver.underCurrentConfig(config -> {
            planned.complete(config);
            return Map.of();
        }));

        assertThat(weaver.mayProtect("com/acme/Anything", PLAIN)).isFalse();
        assertThat(weaver.mayProtect("com/acme/Service", NAMES_AN_ANNOTATION)).isTrue();
        planning.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> planning.getState() == Thread.State.WAITING);
        assertThat(planned).isNotDone();

        BulwarkConfig builtIn = load(new Properties());
        reading.complete(builtIn);
        planning.join(30_000);

        assertThat(planned).isCompletedWithValue(builtIn);
        BulwarkConfig current = weaver.underCurrentConfig(config -> config);
        assertThat(current).isSameAs(builtIn);
    }

    private static Weaver weaver(String instrument) {
        return new Weaver(config(instrument), sites());
    }

    private static CallSites sites() {
        return new CallSites(new PolicyRegistry(NanoClock.SYSTEM, CallObserver.NONE.circuitBreakerListener()));
    }

    private static CompletableFuture<BulwarkConfig> config(String instrument) {
        Properties properties = new Properties();
        properties.setProperty("bulwark.instrument", instrument);
        return CompletableFuture.completedFuture(load(properties));
    }

    private static BulwarkConfig load(Properties properties) {
        return BulwarkConfig.load(null, WeaverTest.class.getClassLoader(), properties, Map.of(),
                problem -> {
                    throw new AssertionError(problem.toString());
                });
    }
}
