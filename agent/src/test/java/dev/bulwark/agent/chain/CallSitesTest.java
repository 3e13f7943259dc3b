package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Site ids: one per method of a class as its loader defined it, kept when the class is woven again. */
class CallSitesTest {
    private final ChainFixture fixture = new ChainFixture();
    private final ClassLoader loader = CallSitesTest.class.getClassLoader();

    @Test
    void aMethodWovenAgainKeepsItsIdAndTakesTheNewDefinition() {
        int first = fixture.sites.register(loader, "Example#call()V", definition("first"));
        int other = fixture.sites.register(loader, "Example#other()V", definition("other"));
        int again = fixture.sites.register(loader, "Example#call()V", definition("again"));

        assertThat(again).isEqualTo(first).isNotEqualTo(other);
        assertThat(fixture.sites.get(first).retry.spec().name()).isEqualTo("again");
        assertThat(fixture.sites.get(other).retry.spec().name()).isEqualTo("other");
    }

    @Test
    void theSameMethodOfAClassDefinedByAnotherLoaderIsAnotherSite() throws Exception {
        try (URLClassLoader another = new URLClassLoader(new URL[0], loader)) {
            int here = fixture.sites.register(loader, "Example#call()V", definition("here"));
            int there = fixture.sites.register(another, "Example#call()V", definition("there"));
            int bootstrap = fixture.sites.register(null, "Example#call()V", definition("bootstrap"));

            assertThat(here).isNotEqualTo(there).isNotEqualTo(bootstrap);
            assertThat(there).isNotEqualTo(bootstrap);
            assertThat(fixture.sites.register(null, "Example#call()V", definition("bootstrap again"))).isEqualTo(bootstrap);
        }
    }

    @Test
    void aReloadCountsEachSiteItChangedOnceWhetherResolvedAgainOrWovenOnItsThread() throws Exception {
        SiteDefinition retuned = definition("before");
        int kept = fixture.sites.register(loader, "Example#kept()V", definition("kept"));
        int changed = fixture.sites.register(loader, "Example#changed()V", retuned);

        fixture.sites.noteChanges();
        fixture.sites.reconfigure(site -> site == retuned ? site.with(definition("after").policies()) : site);
        // The reload's retransformation weaves the classes again: the same policies, and one method new.
        assertThat(fixture.sites.register(loader, "Example#changed()V", definition("after"))).isEqualTo(changed);
        assertThat(fixture.sites.register(loader, "Example#kept()V", definition("kept"))).isEqualTo(kept);
        fixture.sites.register(loader, "Example#woven()V", definition("woven"));
        Thread elsewhere = new Thread(() -> fixture.sites.register(loader, "Other#loadedMeanwhile()V", definition("other")));
        elsewhere.start();
        elsewhere.join();

        assertThat(fixture.sites.changesNoted()).isEqualTo(2);
        assertThat(fixture.sites.changesNoted()).as("noting ended").isZero();
    }

    private static SiteDefinition definition(String retryName) {
        BulwarkConfig config = BulwarkConfig.load(null, CallSitesTest.class.getClassLoader(), new Properties(), Map.of(),
                problem -> {
                    throw new AssertionError(problem.toString());
                });
        Map<PolicyKind, Config> declared = Map.of(PolicyKind.RETRY,
                ConfigFactory.parseMap(Map.of("name", retryName)));
        return new SiteDefinition(config.resolve("Example", "call", declared), null, null, Map.of(), 0);
    }
}
