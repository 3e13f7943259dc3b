package dev.bulwark.agent.chain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bulwark.agent.config.BulwarkConfig;
import dev.bulwark.agent.config.PolicyKind;
import dev.bulwark.agent.policy.retry.RetrySpec;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Site ids: one per method of a class as its loader defined it, kept when the class is woven again. */
class CallSitesTest {
    private final ChainFixture fixture = new ChainFixture();
    private final ClassLoader loader = CallSitesTest.class.getClassLoader();

    @Test
    void aMethodWovenAgainKeepsItsIdAndTakesTheNewDefinition() {
        int first = register(loader, "Example#call()V", definition("first"));
        int other = register(loader, "Example#other()V", definition("other"));
        int again = register(loader, "Example#call()V", definition("again"));

        assertThat(again).isEqualTo(first).isNotEqualTo(other);
        assertThat(fixture.sites.get(first).retry.spec().name()).isEqualTo("again");
        assertThat(fixture.sites.get(other).retry.spec().name()).isEqualTo("other");
    }

    @Test
    void theSameMethodOfAClassDefinedByAnotherLoaderIsAnotherSite() throws Exception {
        try (URLClassLoader another = new URLClassLoader(new URL[0], loader)) {
            int here = register(loader, "Example#call()V", definition("here"));
            int there = register(another, "Example#call()V", definition("there"));
            int bootstrap = register(null, "Example#call()V", definition("bootstrap"));

            assertThat(here).isNotEqualTo(there).isNotEqualTo(bootstrap);
            assertThat(there).isNotEqualTo(bootstrap);
            assertThat(register(null, "Example#call()V", definition("bootstrap again"))).isEqualTo(bootstrap);
        }
    }

    /** A class defined from the cache of woven classes: its sites are planned at the first call through one. */
    @Test
    void aPendingSiteIsDefinedByItsResolverAtItsFirstCallOnce() {
        int first = fixture.sites.reserve(loader, "Cached#first()V");
        int second = fixture.sites.reserve(loader, "Cached#second()V");
        int[] runs = {0};
        Runnable resolver = () -> {
            runs[0]++;
            fixture.sites.define(first, definition("first"));
            fixture.sites.define(second, definition("second"));
        };
        fixture.sites.definePending(first, resolver);
        fixture.sites.definePending(second, resolver);

        assertThat(runs[0]).isZero();
        assertThat(fixture.sites.get(second).retry.spec().name()).isEqualTo("second");
        assertThat(fixture.sites.get(first).retry.spec().name()).isEqualTo("first");
        assertThat(runs[0]).isEqualTo(1);
    }

    /**
     * A class from the cache is planned on the agent's planner thread while the application calls it: a call that
     * comes meanwhile finds every site defined, never one the planning is publishing taken for unprotected.
     */
    @Test
    void aCallRacingItsClassesPlanningOnAnotherThreadFindsEverySiteDefined() throws Exception {
        SiteDefinition planned = definition("planned");
        ExecutorService planner = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 2_000; round++) {
                int[] ids = new int[4];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = fixture.sites.reserve(loader, "Cached" + round + "#m" + i + "()V");
                }
                // Plans once, whoever comes first, the other waiting: as PendingClassSites does.
                Runnable resolver = new Runnable() {
                    private boolean done;

                    @Override
                    public synchronized void run() {
                        if (!done) {
                            done = true;
                            for (int id : ids) {
                                fixture.sites.define(id, planned);
                            }
                        }
                    }
                };
                for (int id : ids) {
                    fixture.sites.definePending(id, resolver);
                }
                Future<?> planning = planner.submit(resolver);
                for (int i = ids.length - 1; i >= 0; i--) {
                    assertThat(fixture.sites.get(ids[i])).as("round %d, site %d", round, i).isNotNull();
                }
                planning.get();
            }
        } finally {
            planner.shutdownNow();
        }
    }

    /** The admin endpoint and an attach report list them as if the class had been woven. */
    @Test
    void aListingPlansThePendingSitesFirst() {
        int cached = fixture.sites.reserve(loader, "Cached#call()V");
        fixture.sites.definePending(cached, () -> fixture.sites.define(cached, definition("cached")));
        List<String> listed = new ArrayList<>();

        fixture.sites.forEachDefinition((definition, scope) ->
                listed.add(definition.policies().spec(PolicyKind.RETRY, RetrySpec.class).name()));

        assertThat(listed).containsExactly("cached");
    }

    @Test
    void anIdReservedButNeverDefinedHasNoChainAndAReloadPassesItBy() {
        int leftOut = fixture.sites.reserve(loader, "Example#huge()V");
        int woven = register(loader, "Example#call()V", definition("woven"));
        List<String> resolved = new ArrayList<>();

        fixture.sites.reconfigure(site -> {
            resolved.add(site.policies().spec(PolicyKind.RETRY, RetrySpec.class).name());
            return site;
        });

        assertThat(fixture.sites.get(leftOut)).isNull();
        assertThat(fixture.sites.get(woven).retry.spec().name()).isEqualTo("woven");
        assertThat(resolved).containsExactly("woven");
        assertThat(fixture.sites.reserve(loader, "Example#huge()V")).isEqualTo(leftOut);
    }

    @Test
    void aReloadCountsEachSiteItChangedOnceWhetherResolvedAgainOrWovenOnItsThread() throws Exception {
        SiteDefinition retuned = definition("before");
        int kept = register(loader, "Example#kept()V", definition("kept"));
        int changed = register(loader, "Example#changed()V", retuned);

        fixture.sites.noteChanges();
        fixture.sites.reconfigure(site -> site == retuned ? site.with(definition("after").policies()) : site);
        // The reload's retransformation weaves the classes again: the same policies, and one method new.
        assertThat(register(loader, "Example#changed()V", definition("after"))).isEqualTo(changed);
        assertThat(register(loader, "Example#kept()V", definition("kept"))).isEqualTo(kept);
        register(loader, "Example#woven()V", definition("woven"));
        Thread elsewhere = new Thread(() -> register(loader, "Other#loadedMeanwhile()V", definition("other")));
        elsewhere.start();
        elsewhere.join();

        assertThat(fixture.sites.changesNoted()).isEqualTo(2);
        assertThat(fixture.sites.changesNoted()).as("noting ended").isZero();
    }

    private int register(ClassLoader loader, String method, SiteDefinition definition) {
        return fixture.register(loader, method, definition);
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
